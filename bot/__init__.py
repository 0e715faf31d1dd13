"""Chat channels: SMS through Twilio, the Telegram bot, and the web app hosting their webhooks."""
