"""Staff money commands: bank files and unmatched credits, refunds and pain.001 export, online payment links."""

from __future__ import annotations

import getpass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from core.cli.context import AppContext, pass_app
from core.cli.lookup import find_household
from core.money_services import (
    MoneyError,
    approve_refund,
    assign_bank_payment,
    assign_online_payment,
    refuse_refund,
    request_refund,
)
from core.payments import BankPaymentStatus, OnlinePaymentStatus
from core.refunds import RefundStatus, format_iban
from statements.bank_import import ImportReport, LineOutcome, canteen_resolver, import_bank_file
from statements.camt import CamtError
from statements.pain001 import Debtor, PainError
from statements.refund_export import export_refunds

OUTCOME_WORDS = {
    LineOutcome.BOOKED: "booked",
    LineOutcome.ALREADY_BOOKED: "already booked",
    LineOutcome.UNMATCHED: "UNMATCHED",
}


def _staff() -> str:
    return getpass.getuser()


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise click.BadParameter(f"{text!r} is not an amount") from None


@click.group("bank")
def bank_group() -> None:
    """Bank files (camt.054 / camt.053): import credits, list and assign those no family matched."""


def _print_report(report: ImportReport) -> None:
    click.echo(f"{report.file}: {report.kind} {report.message_id}")
    for line in report.lines:
        payment = line.payment
        words = OUTCOME_WORDS[line.outcome]
        if line.outcome is LineOutcome.ALREADY_BOOKED and line.household_id is None:
            words = "already imported (unmatched)"
        family = f" household {line.household_id}" if line.household_id is not None else ""
        note = f" — {line.note}" if line.note else ""
        click.echo(
            f"  {words:<28} {payment.acct_svcr_ref:<24} {payment.amount:>9} {payment.currency}"
            f" ref {payment.reference or '-'} {payment.debtor_name}{family}{note}"
        )
    for reason in report.skipped:
        click.echo(f"  skipped: {reason}")
    counts = ", ".join(f"{report.count(outcome)} {OUTCOME_WORDS[outcome].lower()}" for outcome in LineOutcome)
    click.echo(f"{counts}")
    if report.count(LineOutcome.UNMATCHED):
        click.echo("unmatched credits wait for staff: `cantine bank unmatched`, then `cantine bank assign ID FAMILY`")


@bank_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def import_command(app: AppContext, files: tuple[Path, ...]) -> None:
    """Import bank FILES: credits matched by QR/RF reference are booked once; the others are kept for staff."""
    resolve = canteen_resolver(app.canteens)
    currency = next(iter(app.canteens.values())).currency
    for path in files:
        try:
            report = import_bank_file(
                app.uow(), path.read_bytes(), path.name, resolve, app.now(), currency, app.canteens
            )
        except CamtError as error:
            raise click.ClickException(f"{error} — nothing was imported from this file") from None
        _print_report(report)


@bank_group.command("unmatched")
@pass_app
def unmatched_command(app: AppContext) -> None:
    """Credits no family matched, waiting for a person to assign them."""
    with app.uow() as uow:
        waiting = uow.money.bank_payments(BankPaymentStatus.UNMATCHED)
    if not waiting:
        click.echo("no unmatched bank payment")
    for payment in waiting:
        click.echo(
            f"{payment.id:>5}  {payment.booked_on or '-'}  {payment.amount:>9} {payment.currency}"
            f"  ref {payment.reference or '-'}  {payment.debtor_name}  {payment.message}  ({payment.source_file})"
        )


@bank_group.command("assign")
@click.argument("payment_id", type=int)
@click.argument("family")
@pass_app
def assign_command(app: AppContext, payment_id: int, family: str) -> None:
    """Book unmatched credit PAYMENT_ID for FAMILY (name, guardian, child or id)."""
    household = find_household(app, family)
    assert household.id is not None
    with app.uow() as uow:
        try:
            payment = assign_bank_payment(uow, payment_id, household.id, _staff(), app.now(), app.canteens)
        except MoneyError as error:
            raise click.ClickException(str(error)) from None
        uow.commit()
    click.echo(f"booked {payment.amount} {payment.currency} for {household.name}")


@click.group("refunds")
def refunds_group() -> None:
    """Refund requests: a person approves or refuses each one; approved ones go to the bank as pain.001."""


@refunds_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in RefundStatus]), help="Only requests in this state.")
@pass_app
def list_command(app: AppContext, status: str | None) -> None:
    """Refund requests, oldest first."""
    with app.uow() as uow:
        requests = uow.money.refunds(RefundStatus(status) if status else None)
        names = {r.household_id: (uow.households.get(r.household_id) or None) for r in requests}
    if not requests:
        click.echo("no refund request")
    for request in requests:
        household = names.get(request.household_id)
        exported = f" exported {request.exported_at:%Y-%m-%d}" if request.exported_at else ""
        decided = f" by {request.decided_by}" if request.decided_by else ""
        reason = f" — {request.reason}" if request.reason else ""
        click.echo(
            f"{request.id:>5}  {request.requested_at:%Y-%m-%d}  {household.name if household else '?':<20}"
            f" {request.amount:>9}  {format_iban(request.iban)}  {request.status}{decided}{exported}{reason}"
        )


@refunds_group.command("request")
@click.argument("family")
@click.argument("iban")
@click.argument("amount", required=False)
@pass_app
def request_command(app: AppContext, family: str, iban: str, amount: str | None) -> None:
    """Record a refund request for FAMILY to IBAN (AMOUNT: the whole balance when left out)."""
    household = find_household(app, family)
    assert household.id is not None
    with app.uow() as uow:
        outcome = request_refund(
            uow, household.id, iban, _amount(amount) if amount else None, app.now(), "cli", requested_by=_staff()
        )
        uow.commit()
    if outcome.request is None:
        problem = outcome.iban_problem or outcome.amount_problem
        raise click.ClickException(f"refused: {problem} (balance {outcome.balance}, available {outcome.available})")
    click.echo(f"refund request {outcome.request.id}: {outcome.request.amount} to {format_iban(outcome.request.iban)}")


@refunds_group.command("approve")
@click.argument("request_id", type=int)
@pass_app
def approve_command(app: AppContext, request_id: int) -> None:
    """Approve refund REQUEST_ID: it is booked and the family is told."""
    with app.uow() as uow:
        try:
            request = approve_refund(uow, request_id, _staff(), app.now(), app.canteens)
        except MoneyError as error:
            raise click.ClickException(str(error)) from None
        uow.commit()
    click.echo(f"refund {request.id} approved and booked: {request.amount} to {format_iban(request.iban)}")


@refunds_group.command("refuse")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why, in words the family will read.")
@pass_app
def refuse_command(app: AppContext, request_id: int, reason: str) -> None:
    """Refuse refund REQUEST_ID with a reason the family is told."""
    with app.uow() as uow:
        try:
            request = refuse_refund(uow, request_id, _staff(), reason, app.now(), app.canteens)
        except MoneyError as error:
            raise click.ClickException(str(error)) from None
        uow.commit()
    click.echo(f"refund {request.id} refused")


@refunds_group.command("export-pain001")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--debtor-name", help="Account holder refunds are paid from (default: [payments] refund_account_name).")
@click.option("--debtor-iban", help="Its IBAN (default: [payments] refund_account_iban).")
@click.option("--execution-date", help="YYYY-MM-DD (default: the next day).")
@pass_app
def export_command(
    app: AppContext, output: Path, debtor_name: str | None, debtor_iban: str | None, execution_date: str | None
) -> None:
    """Write approved refunds not yet paid into a pain.001.001.09 file for the bank."""
    payments = app.settings.payments
    debtor = Debtor(
        debtor_name or payments.refund_account_name,
        debtor_iban or payments.refund_account_iban,
        payments.refund_account_bic,
    )
    if not debtor.name or not debtor.iban:
        raise click.UsageError("the refund account is not configured: give --debtor-name and --debtor-iban")
    now = app.now()
    try:
        when = date.fromisoformat(execution_date) if execution_date else now.date() + timedelta(days=1)
    except ValueError:
        raise click.BadParameter(f"{execution_date!r} is not a date (YYYY-MM-DD)") from None
    with app.uow() as uow:
        try:
            document, done = export_refunds(uow, debtor, now, when)
        except PainError as error:
            raise click.ClickException(str(error)) from None
        output.write_bytes(document)
        uow.commit()
    total = sum((request.amount for request in done), Decimal("0.00"))
    click.echo(f"{output}: {len(done)} refund(s), {total} in all, to execute on {when}")


@click.group("payments")
def payments_group() -> None:
    """Online payments (card, TWINT) through the provider of [payments]."""


@payments_group.command("link")
@click.argument("family")
@click.argument("amount")
@pass_app
def link_command(app: AppContext, family: str, amount: str) -> None:
    """A payment page where FAMILY pays AMOUNT into its account; the account is credited once it is paid."""
    from statements.payments import PaymentProviderError, provider_from_settings

    settings = app.settings.payments
    provider = provider_from_settings(settings)
    if provider is None:
        raise click.ClickException("online payment is off: set [payments] provider, api_key and webhook_secret")
    value = _amount(amount)
    if value <= 0:
        raise click.BadParameter(f"{amount!r} is not a positive amount")
    household = find_household(app, family)
    assert household.id is not None
    base = settings.public_base_url.rstrip("/") or "http://127.0.0.1"
    currency = next(iter(app.canteens.values())).currency
    try:
        checkout = provider.create_checkout(
            household.id, value, currency, f"{base}/payments/done", f"{base}/payments/cancelled"
        )
    except PaymentProviderError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{household.name}: {value} {currency} — {checkout.url}")


@payments_group.command("unmatched")
@pass_app
def online_unmatched_command(app: AppContext) -> None:
    """Paid checkouts that named no known family (or came in another currency), waiting for a person."""
    with app.uow() as uow:
        waiting = [p for p in uow.money.online_payments() if p.status is OnlinePaymentStatus.UNMATCHED]
    if not waiting:
        click.echo("no unmatched online payment")
    for payment in waiting:
        click.echo(
            f"{payment.id:>5}  {payment.received_at:%Y-%m-%d %H:%M}  {payment.amount:>9} {payment.currency}"
            f"  {payment.provider} {payment.session_id}"
        )


@payments_group.command("assign")
@click.argument("payment_id", type=int)
@click.argument("family")
@pass_app
def online_assign_command(app: AppContext, payment_id: int, family: str) -> None:
    """Credit unmatched online payment PAYMENT_ID to FAMILY (name, guardian, child or id)."""
    household = find_household(app, family)
    assert household.id is not None
    currency = next(iter(app.canteens.values())).currency
    with app.uow() as uow:
        try:
            payment = assign_online_payment(uow, payment_id, household.id, _staff(), app.now(), currency, app.canteens)
        except MoneyError as error:
            raise click.ClickException(str(error)) from None
        uow.commit()
    click.echo(f"credited {payment.amount} {payment.currency} to {household.name}")
