"""The application layer: one function per thing a person (or a channel) does.

Each use case takes the database context (`counter_app.runtime.Runtime`) and a typed
command, checks who may do it, owns its transaction (`rt.write()` / `rt.read()`),
and returns a typed result of plain data. The windows (through their task runner)
and the command line call a use case in one line and never open a transaction
themselves; services and domain code below never commit.

- `cases`      submit an application (accept / 一次性告知 / 不予受理), papers, a case's
               detail, the teller's list, supply a material, the overdue sweep
- `backoffice` the units' worklist, complete / return a sub-item
- `queue`      take a ticket, call next, recall, no-show, reactivate, transfer, park,
               done, pause; what the window, the kiosk and the display show
- `ratings`    ask for a rating, store what the pad says, add a rating later
- `followups`  every step of a bad rating's follow-up, the ledger, the 报告单
- `outbox`     deliver to the province, its status, put parked rows back in line
- `reports`    the shift summary and its exports, the supervisor's board
- `staff`      log in, add a user
- `database`   create or migrate the schema
- `settings`   change this PC's settings (the config file, comments kept; role admin)
- `devices`    try a device with a setting before saving it (the settings dialog)
"""
