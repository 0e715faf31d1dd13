"""Chat channels: Telegram bot and Twilio SMS."""
