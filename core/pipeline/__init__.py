"""The road of one message: inbox → sender → understanding → core → reply → outbox, each decision recorded."""
