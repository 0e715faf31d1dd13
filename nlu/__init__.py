"""Message understanding: one parent message in, one interpretation out."""
