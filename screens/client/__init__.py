"""The client screen: :mod:`screens.client.screen` lays out the tabs and takes the keys;
one module per tab (or per pair of close tabs) says what the tab shows."""
