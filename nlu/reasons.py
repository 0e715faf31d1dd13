"""Why a message is not acted on as it stands: English sentences with keys, so staff may read them in their language.

Each reason is a `core.keyed.Keyed` text: the English sentence of the interpretation's `reason` (the contract's
"short human sentence"), carrying the key `nlu.<name>` and its parameters. The French, English and German
texts staff read are in `core/locale/nlu.<lang>.po`, under the same keys and with the same placeholders.
"""

from __future__ import annotations

from core.keyed import Keyed

REASONS: dict[str, str] = {
    # bookings: who and what
    "not_cancel": "the message says not to cancel: what should be booked?",
    "negated_absence": "a negated absence ('not sick', 'nicht mehr krank'): what should be done?",
    "sibling": "'his sister' / 'her brother' does not say which child",
    "except_child": "a child is named after 'except': who is meant?",
    "unknown_child": "a name in the message matches no child of the household",
    "ambiguous_name": "the name could be {names}",
    "both_of_more": "'both' in a household of {count}: which children?",
    "my_child": "'my son/daughter' does not say which child",
    "which_child": "which child?",
    "child_without_action": "a child is named without saying what to do",
    "booked_and_cancelled": "the same child and day are both booked and cancelled",
    "also_without_instruction": "'also' without a previous instruction",
    "what_on_these_days": "what should be done on these days?",
    "contrast_without_action": "a contrast ('but') without saying what to do",
    "cancel_or_book": "cancel or book?",
    # bookings: when
    "eats_again_from": "eats again from that day: that day only, or every day from then?",
    "which_day": "which day?",
    "no_service_day": "no service day in the period named",
    "weekday_beside_date": "which day {date}: the next one or the one named beside it?",
    "day_in_past": "{date} is in the past",
    "day_outside_year": "{date} is outside the school year",
    "absence_bounds": "when does the absence start and end?",
    "return_not_after_today": "the return day is not after today",
    "no_end_given": "from when to when? no end given",
    "this_or_next_week": "{words}: this week's or next week's?",
    "today_or_next_week": "{words} is today: today or next week?",
    "no_date_in": "no date in {words}",
    "not_that_weekday": "{words}: {date} is not that weekday",
    "not_day_of_month": "{words} is not a day of the month",
    "not_a_date": "{words} is not a date",
    "words_in_past": "{words} is in the past",
    "until_further_notice": "no end given (until further notice)",
    "which_days_exactly": "which days exactly? ('every other', 'in two weeks' give no date)",
    "no_such_holidays": "{words}: no such holidays in the calendar",
    "cannot_read": "cannot read {words}",
    "unreadable_range": "unreadable range",
    "range_ends_before_start": "{words}: the range ends before it starts",
    "weekday_past": "{words}: that day of this week is past",
    "until_when": "{words}: until when?",
    "end_of_which_period": "{words}: the end of which period?",
    "up_to_or_through_month": "{words}: up to or through that month?",
    # requests a person handles
    "empty": "empty message",
    "topup_mixed": "a top-up mixed with another request",
    "statement_mixed": "a statement request mixed with another request",
    "document_mixed_question": "a document request mixed with another question",
    "menu_mixed": "a menu question mixed with another request",
    "status_mixed": "a status question mixed with another request",
    "balance_mixed": "a balance question mixed with another request",
    "person_request": "a request a person must handle",
    "not_understood": "not understood: a person should read it",
    "booking_mixed_question": "a booking mixed with a question a person must handle",
    "asks_more": "the message also asks something a person must answer",
    "remark_with_date": "a remark with a date beside the order: a person should read it",
    "booking_with_document": "a booking mixed with a document request: a person answers both",
    "document_mixed": "a document request mixed with another request",
    "documents_sent": "documents sent to the canteen: a person should read them",
    "documents_mentioned": "documents mentioned, not asked for: a person should read it",
    "new_bank_details": "new bank details for later: a person should record them",
    "refund_mixed": "a refund mixed with another request",
}


def reason(name: str, **params: object) -> Keyed:
    """The reason `name` in English with these parameters, keyed `nlu.<name>` for the catalogs."""
    return Keyed(REASONS[name].format(**params), f"nlu.{name}", params)
