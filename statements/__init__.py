"""Money on paper: PDF statements, QR-bills and bank files."""
