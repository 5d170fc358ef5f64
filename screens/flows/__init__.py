"""Flows: what a key starts that spans forms and dialogs (open a form, save what it gives
through the context, maybe open the next). Each takes the :class:`screens.context.Context`,
never the app, and is started by a screen's action or a palette entry."""
