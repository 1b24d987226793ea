"""Categories, attribute schemas and products in MongoDB."""
