"""call next in one round trip on PostgreSQL: counter_call_next()

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:00:00

A window's call next is a dozen statements (lock the window, the ticket at it and its
service stretch, the pick with SKIP LOCKED, the updates, the hall's events, the audit
row, the wake-up). Through the ORM they cost ~11 ms of client CPU a call at thirty
windows, 29× the bare `SELECT … FOR UPDATE SKIP LOCKED; UPDATE` (issue 12). On
PostgreSQL the same steps run here, server-side, in one statement;
`services.queue_pg` calls it and `services.queue.call_next` stays the rule on SQLite.
The two are held together by tests/queue/test_call_next_parity.py, which plays one
day's calls through both engines and compares every row they write: a change to the
Python rule needs a new migration that replaces this function.

Nothing on SQLite (it has no server-side functions).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL_SQL = (
    "CASE WHEN current_schema() IS NULL OR current_schema() = 'public' THEN 'counter_hall'"
    " WHEN octet_length(current_schema()) <= 50 THEN 'counter_hall.' || current_schema()"
    " ELSE 'counter_hall.' || md5(current_schema()) END"
)

# Python's round() (half to even) of the seconds between two times, never below 0:
# domain.queue.seconds_between.
SECONDS_BETWEEN = """
CREATE OR REPLACE FUNCTION counter_seconds_between(a timestamptz, b timestamptz)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN a IS NULL OR b IS NULL THEN NULL
        ELSE greatest(0, (CASE
            WHEN abs(d - trunc(d)) = 0.5 THEN 2 * round(d / 2)
            ELSE round(d) END)::integer)
    END
    FROM (SELECT extract(epoch FROM b) - extract(epoch FROM a) AS d) AS s
$$
"""

# What services.queue.view() reads of a ticket (the holder's name is masked there).
TICKET_JSON = """
CREATE OR REPLACE FUNCTION counter_ticket_json(t tickets)
RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', t.id, 'number', t.number, 'category', t.category, 'status', t.status,
        'priority', t.priority, 'priority_reason', t.priority_reason,
        'taken_at', t.taken_at, 'window_no', t.window_no,
        'last_called_at', t.last_called_at, 'wait_seconds', t.wait_seconds,
        'recalls', t.recalls, 'arrived_at', t.arrived_at,
        'holder', (SELECT a.name FROM applicants a WHERE a.id = t.applicant_id))
$$
"""

# services.queue.call_next, step by step (lock_window, _refuse_elsewhere,
# _finish_current/_complete/_close_transaction, the pick, _call, _event, announce)
# plus the use case's audit row. p_finish: '*' any ticket, '#<id>', a number, or NULL.
# A refusal (paused, the teller serving elsewhere, a ticket still served, a category
# the hall lost) raises SQLSTATE KB001 with what happened as JSON in its DETAIL:
# nothing of the call stays, also when the statement is its own transaction.
CALL_NEXT = f"""
CREATE OR REPLACE FUNCTION counter_call_next(
    p_hall text, p_day text, p_window text, p_now timestamptz, p_rank bigint,
    p_teller integer, p_categories text, p_known text[], p_priority_run integer,
    p_finish text, p_audit jsonb
) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
    win queue_windows%ROWTYPE;
    cur tickets%ROWTYPE;
    nxt tickets%ROWTYPE;
    held tickets%ROWTYPE;
    tx_id integer;
    tx_start timestamptz;
    cats text[] := '{{}}';
    tok text;
    letter text;
    finished jsonb;
    announced boolean := false;
BEGIN
    SELECT * INTO win FROM queue_windows
     WHERE hall_code = p_hall AND window_no = p_window FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO queue_windows (hall_code, window_no, categories, paused, pause_reason,
                                   priority_run, updated_at)
        VALUES (p_hall, p_window, coalesce(p_categories, ''), false, '', 0, p_now)
        ON CONFLICT (hall_code, window_no) DO NOTHING;
        SELECT * INTO win FROM queue_windows
         WHERE hall_code = p_hall AND window_no = p_window FOR UPDATE;
    END IF;
    IF p_categories IS NOT NULL THEN
        win.categories := p_categories;
    END IF;
    IF p_teller IS NOT NULL THEN
        win.teller_id := p_teller;
    END IF;
    IF win.paused THEN
        RAISE EXCEPTION USING ERRCODE = 'KB001', MESSAGE = 'call next refused',
                DETAIL = jsonb_build_object('outcome', 'paused')::text;
    END IF;

    IF p_teller IS NOT NULL THEN
        SELECT * INTO held FROM tickets
         WHERE hall_code = p_hall AND day = p_day AND status = 'serving'
           AND teller_id = p_teller AND window_no <> p_window
         ORDER BY id LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'KB001', MESSAGE = 'call next refused',
                DETAIL = jsonb_build_object('outcome', 'elsewhere', 'number', held.number,
                                      'window_no', held.window_no)::text;
        END IF;
    END IF;

    IF win.current_ticket_id IS NOT NULL THEN
        SELECT * INTO cur FROM tickets WHERE id = win.current_ticket_id;
        IF NOT FOUND OR cur.status <> 'serving' THEN
            win.current_ticket_id := NULL;
        ELSE
            IF p_finish IS NULL OR NOT (p_finish = '*' OR p_finish = '#' || cur.id
                                        OR p_finish = cur.number) THEN
                RAISE EXCEPTION USING ERRCODE = 'KB001', MESSAGE = 'call next refused',
                DETAIL = jsonb_build_object('outcome', 'still_serving', 'number', cur.number,
                                          'id', cur.id)::text;
            END IF;
            SELECT id, started_at INTO tx_id, tx_start FROM ticket_transactions
             WHERE ticket_id = cur.id AND ended_at IS NULL ORDER BY id DESC LIMIT 1;
            IF FOUND THEN
                UPDATE ticket_transactions
                   SET ended_at = p_now, outcome = 'done', note = '', outcome_code = NULL
                 WHERE id = tx_id;
                cur.service_seconds := cur.service_seconds
                    + coalesce(counter_seconds_between(tx_start, p_now), 0);
            END IF;
            win.current_ticket_id := NULL;
            win.updated_at := p_now;
            IF coalesce(cur.return_window, '') <> '' AND cur.return_window <> p_window THEN
                cur.status := 'waiting';
                cur.target_window := cur.return_window;
                cur.category := coalesce(nullif(cur.return_category, ''), cur.category);
                cur.boost := 1;
                cur.rank := p_rank;
            ELSE
                cur.status := 'done';
                cur.done_at := p_now;
            END IF;
            UPDATE tickets
               SET status = cur.status, target_window = cur.target_window,
                   category = cur.category, return_window = NULL, return_category = NULL,
                   boost = cur.boost, rank = cur.rank, done_at = cur.done_at,
                   service_seconds = cur.service_seconds
             WHERE id = cur.id
            RETURNING * INTO cur;
            INSERT INTO queue_events (hall_code, at, kind, ticket_id, number, category,
                                      window_no, detail)
            VALUES (p_hall, p_now, CASE WHEN cur.status = 'waiting' THEN 'return' ELSE 'done' END,
                    cur.id, cur.number, cur.category, p_window,
                    CASE WHEN cur.status = 'waiting'
                         THEN json_build_object('to_window', cur.target_window)
                         ELSE '{{}}'::json END);
            announced := true;
            finished := counter_ticket_json(cur);
        END IF;
    END IF;

    IF coalesce(trim(win.categories), '') = '' THEN
        cats := p_known;
    ELSE
        FOREACH tok IN ARRAY regexp_split_to_array(upper(trim(win.categories)), '[,，\\s]+') LOOP
            IF tok = '' THEN
                CONTINUE;
            ELSIF tok = ANY (p_known) THEN
                cats := cats || tok;
            ELSE
                FOREACH letter IN ARRAY regexp_split_to_array(tok, '') LOOP
                    IF NOT letter = ANY (p_known) THEN
                        RAISE EXCEPTION USING ERRCODE = 'KB001', MESSAGE = 'call next refused',
                DETAIL = jsonb_build_object('outcome', 'bad_category', 'category', letter)::text;
                    END IF;
                    cats := cats || letter;
                END LOOP;
            END IF;
        END LOOP;
    END IF;

    IF p_priority_run > 0 AND win.priority_run >= p_priority_run THEN
        SELECT * INTO nxt FROM tickets
         WHERE hall_code = p_hall AND day = p_day AND status = 'waiting'
           AND ((target_window IS NULL AND category = ANY (cats)) OR target_window = p_window)
         ORDER BY boost DESC, priority ASC, rank, id
         LIMIT 1 FOR UPDATE SKIP LOCKED;
    ELSE
        SELECT * INTO nxt FROM tickets
         WHERE hall_code = p_hall AND day = p_day AND status = 'waiting'
           AND ((target_window IS NULL AND category = ANY (cats)) OR target_window = p_window)
         ORDER BY boost DESC, priority DESC, rank, id
         LIMIT 1 FOR UPDATE SKIP LOCKED;
    END IF;

    IF FOUND THEN
        win.priority_run := CASE WHEN nxt.priority THEN win.priority_run + 1 ELSE 0 END;
        UPDATE tickets
           SET status = 'serving', window_no = p_window, teller_id = win.teller_id,
               wait_seconds = CASE
                   WHEN wait_seconds IS NULL OR (no_show_at IS NOT NULL
                        AND no_show_at >= coalesce(last_called_at, no_show_at))
                   THEN counter_seconds_between(taken_at, p_now)
                   ELSE wait_seconds END,
               first_called_at = coalesce(first_called_at, p_now), last_called_at = p_now,
               recalls = 0, boost = 0, target_window = NULL
         WHERE id = nxt.id
        RETURNING * INTO nxt;
        INSERT INTO ticket_transactions (ticket_id, window_no, teller_id, category, started_at,
                                         outcome, note)
        VALUES (nxt.id, p_window, win.teller_id, nxt.category, p_now, '', '');
        win.current_ticket_id := nxt.id;
        win.updated_at := p_now;
        INSERT INTO queue_events (hall_code, at, kind, ticket_id, number, category, window_no,
                                  detail)
        VALUES (p_hall, p_now, 'call', nxt.id, nxt.number, nxt.category, p_window, '{{}}'::json);
        announced := true;
        IF p_audit IS NOT NULL THEN
            INSERT INTO audit_entries (at, actor_id, staff_no, actor_name, actor_role,
                                       workstation, window_no, action, subject_kind, subject,
                                       detail)
            VALUES (p_now, (p_audit ->> 'actor_id')::integer, p_audit ->> 'staff_no',
                    p_audit ->> 'actor_name', p_audit ->> 'actor_role',
                    p_audit ->> 'workstation', p_audit ->> 'window_no', p_audit ->> 'action',
                    p_audit ->> 'subject_kind', nxt.number, (p_audit -> 'detail')::json);
        END IF;
    END IF;

    UPDATE queue_windows
       SET categories = win.categories, teller_id = win.teller_id,
           current_ticket_id = win.current_ticket_id, priority_run = win.priority_run,
           updated_at = win.updated_at
     WHERE hall_code = p_hall AND window_no = p_window;
    IF announced THEN
        PERFORM pg_notify({CHANNEL_SQL}, p_hall);
    END IF;
    RETURN jsonb_build_object(
        'outcome', CASE WHEN nxt.id IS NULL THEN 'none' ELSE 'called' END,
        'ticket', CASE WHEN nxt.id IS NULL THEN NULL ELSE counter_ticket_json(nxt) END,
        'finished', finished);
END
$fn$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(SECONDS_BETWEEN)
    op.execute(TICKET_JSON)
    op.execute(CALL_NEXT)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS counter_call_next(text, text, text, timestamptz, bigint,"
               " integer, text, text[], integer, text, jsonb)")
    op.execute("DROP FUNCTION IF EXISTS counter_ticket_json(tickets)")
    op.execute("DROP FUNCTION IF EXISTS counter_seconds_between(timestamptz, timestamptz)")
