"""One cog per capability: what members and admins touch."""
