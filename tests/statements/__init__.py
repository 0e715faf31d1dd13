"""Tests of statements: bank files, refunds, payments, PDFs and QR-bills."""
