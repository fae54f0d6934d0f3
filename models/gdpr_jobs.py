"""Scheduled jobs that process every record they can (SPEC section 9).

One record that fails (bad data, a constraint of another module) is logged
and skipped: it never blocks the others, nor the next run.
"""

import logging

_logger = logging.getLogger(__name__)


def process_each(records, process, what):
    """Call ``process(batch)`` for each record of ``records``, one savepoint each.

    :param records: the record set to process
    :param process: a callable taking a record set (one record, or a group
        given by :func:`process_groups`)
    :param what: what is processed, for the log ("retention of consents")
    :return: the records whose processing failed
    """
    return process_groups([(record, record) for record in records], process, what)


def process_groups(groups, process, what):
    """Call ``process(records)`` for each ``(key, records)`` of ``groups``.

    Each call runs in its own savepoint, flushed inside it so that a failing
    write fails there. A failure is logged with the records' ids and rolled
    back; the ORM cache is cleared of what the failed call left in it.

    :return: the records whose processing failed
    """
    failed = None
    for _key, records in groups:
        env = records.env
        try:
            with env.cr.savepoint():
                process(records)
                env.flush_all()
        except Exception:  # noqa: BLE001 -- any failure is logged and skipped
            _logger.exception(
                "%s: %s %s failed and was skipped",
                what,
                records._name,
                records.ids,
            )
            env.clear()
            failed = records if failed is None else failed | records
    return failed
