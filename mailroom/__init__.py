"""Email channel: SMTP server and IMAP mailbox in, threaded replies out."""
