"""Keep Going: a Discord bot for training communities that practise a mastery mindset."""
