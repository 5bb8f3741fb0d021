"""Views, modals, buttons and reply wording shared between cogs. Not extensions."""
