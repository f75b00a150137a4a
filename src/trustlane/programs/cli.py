"""CLI: ``trustlane programs ...``: catalogs, members, profiles, evidence, validations and
required actions. Accounts, specialists, plans and analytics are in :mod:`cli_agency`.

The command line acts as the local operator (agency administrator rights).
"""

from __future__ import annotations

import json
import mimetypes
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from trustlane.cli.common import console, new_app, open_database, operator, settings
from trustlane.paging import PageRequest
from trustlane.programs import (
    actions,
    catalogs,
    cli_agency,
    evidence,
    membership,
    profiles,
    store,
    validations,
)
from trustlane.programs.catalog_files import read_table
from trustlane.programs.vocab import MemberStatus, StatusReason, ValidationMode

programs_app = new_app("Trusted-trader programs: catalogs, members, validations, analytics.")
catalog_app = new_app("Criteria catalogs: list, show, export, import.")
members_app = new_app("Members: apply, list, show, suspend, remove, reinstate, tiers.")
profile_app = new_app("Security profiles: show, answer from a file, submit, review, confirm.")
validations_app = new_app("Validations: schedule, record findings, complete, recognize.")
actions_app = new_app("Required actions: list, respond, review, extend.")

programs_app.add_typer(catalog_app, name="catalog")
programs_app.add_typer(members_app, name="members")
programs_app.add_typer(profile_app, name="profile")
programs_app.add_typer(validations_app, name="validations")
programs_app.add_typer(actions_app, name="actions")
cli_agency.add_commands(programs_app)

ProgramOpt = Annotated[str, typer.Option("--program", help="Program slug, e.g. ctpat")]


def register(app: typer.Typer) -> None:
    app.add_typer(programs_app, name="programs")


# ----------------------------------------------------------------------------- catalogs


@catalog_app.command("list")
def catalog_list() -> None:
    """The catalogs in force, with criteria per entity type."""
    with open_database().session() as session:
        table = Table("program", "title", "edition", "revision", "criteria per entity type")
        for found in catalogs.list_catalogs(session, operator()):
            c = found.catalog
            counts = ", ".join(f"{e} {len(c.applicable(e))}" for e in c.entity_types)
            table.add_row(c.program, c.title, c.edition, str(found.revision), counts)
        console.print(table)


@catalog_app.command("show")
def catalog_show(
    program: Annotated[str, typer.Argument(help="Program slug")],
    entity_type: Annotated[str | None, typer.Option(help="Only this entity type")] = None,
) -> None:
    """The criteria of a catalog, by section."""
    with open_database().session() as session:
        found = catalogs.get_catalog(session, operator(), program)
        c = found.catalog
        chosen = catalogs.select_criteria(c, entity_type)
        table = Table(
            "id", "section", "level", "from", "criterion", title=f"{c.title} ({len(chosen)})"
        )
        for crit in chosen:
            table.add_row(
                crit.id,
                c.section(crit.section).title,
                crit.level.value,
                crit.effective_from.isoformat(),
                crit.text,
            )
        console.print(table)


@catalog_app.command("export")
def catalog_export(
    program: ProgramOpt,
    output: Annotated[Path, typer.Option("--output", help="File to write: .csv or .xlsx")],
    entity_type: Annotated[
        str | None, typer.Option("--entity-type", help="Only the criteria of this entity type")
    ] = None,
) -> None:
    """Write a catalog's criteria to CSV or XLSX (format from the file's extension)."""
    with open_database().session() as session:
        count = catalogs.export_catalog_file(session, operator(), program, entity_type, output)
    console.print(f"Wrote {count} criteria of {program} to {output}.")


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, YAML or JSON file", exists=True)],
    program: Annotated[
        str | None, typer.Option(help="Program, for a file without a program column")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="The file is the whole catalog (criteria not in it are dropped)")
    ] = False,
) -> None:
    """Load a catalog file; all or nothing. Unchanged content stores nothing."""
    with open_database().session() as session:
        result = catalogs.import_catalog(
            session, operator(), file.read_bytes(), file.name, program=program, replace=replace
        )
    console.print(result.sentence())


# ----------------------------------------------------------------------------- members


@members_app.command("list")
def members_list(
    program: Annotated[str | None, typer.Option(help="Program slug")] = None,
    status: Annotated[str | None, typer.Option(help="applied, certified, validated, ...")] = None,
    sector: Annotated[str | None, typer.Option(help="Industry sector slug")] = None,
    entity_type: Annotated[str | None, typer.Option(help="Entity type")] = None,
    limit: int = 50,
    offset: int = 0,
) -> None:
    """Members, with status, tier and due dates."""
    with open_database().session() as session:
        where = store.MemberFilter(program, status, entity_type, sector)
        page = membership.list_members(session, operator(), where, PageRequest(limit, offset))
        table = Table(
            "id",
            "organization",
            "entity type",
            "status",
            "tier",
            "validation due",
            title=f"{page.total} members",
        )
        for m, o in page.items:
            table.add_row(
                str(m.id),
                o.name,
                m.entity_type,
                m.status,
                str(m.tier or ""),
                m.validation_due.isoformat() if m.validation_due else "",
            )
        console.print(table)


@members_app.command("show")
def members_show(member_id: int) -> None:
    """A member: status, tier and why, open actions, history."""
    with open_database().session() as session:
        d = membership.member_detail(session, operator(), member_id)
        m = d.member
        console.print(
            f"[bold]{d.organization.name}[/] — {m.program} {m.entity_type}, {m.account_number}"
        )
        console.print(f"status {m.status}, tier {m.tier or '-'}; {d.open_actions} open actions")
        for r in m.tier_reasons:
            console.print(f"  tier: {r['text']}")
        if m.status_reason:
            console.print(f"  {m.status_reason_code}: {m.status_reason}")
        for e in d.events:
            console.print(f"  {e.on.isoformat()} {e.kind:<22} {e.text}", highlight=False)


@members_app.command("apply")
def members_apply(
    org_id: Annotated[int, typer.Argument(help="Organization id")],
    program: ProgramOpt,
    entity_type: Annotated[str, typer.Option(help="Entity type, e.g. importer")],
) -> None:
    """Register an application; the member's security profile opens."""
    with open_database().session() as session:
        m = membership.apply(
            session, operator(), org_id=org_id, program=program, entity_type=entity_type
        )
        console.print(f"Member {m.id} ({m.account_number}) applied to {program} as {entity_type}.")


def _status(member_id: int, to: MemberStatus, code: StatusReason, reason: str) -> None:
    with open_database().session() as session:
        m = membership.set_status(session, operator(), member_id, to, code, reason)
        console.print(f"Member {m.id} is {m.status}.")


CodeOpt = Annotated[StatusReason, typer.Option("--code", help="Reason code")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="The reason, in a sentence")]


@members_app.command("suspend")
def members_suspend(member_id: int, code: CodeOpt, reason: ReasonOpt) -> None:
    """Suspend a member's benefits."""
    _status(member_id, MemberStatus.suspended, code, reason)


@members_app.command("remove")
def members_remove(member_id: int, code: CodeOpt, reason: ReasonOpt) -> None:
    """Remove a member from the program."""
    _status(member_id, MemberStatus.removed, code, reason)


@members_app.command("reject")
def members_reject(member_id: int, code: CodeOpt, reason: ReasonOpt) -> None:
    """Reject an application."""
    _status(member_id, MemberStatus.rejected, code, reason)


@members_app.command("reinstate")
def members_reinstate(member_id: int, reason: ReasonOpt) -> None:
    """Lift a suspension."""
    with open_database().session() as session:
        m = membership.reinstate(session, operator(), member_id, reason)
        console.print(f"Member {m.id} is {m.status} again, tier {m.tier or '-'}.")


@members_app.command("tier")
def members_tier(
    member_id: int,
    tier: Annotated[int, typer.Option(min=1, max=3, help="1, 2 or 3")],
    reason: ReasonOpt,
) -> None:
    """Override the tier the rules give."""
    with open_database().session() as session:
        m = membership.set_tier(session, operator(), member_id, tier, reason)
        console.print(f"Member {m.id} is tier {m.tier}.")


@members_app.command("assign")
def members_assign(
    member_id: int, user_id: Annotated[int, typer.Option("--specialist", help="User id")]
) -> None:
    """Name the specialist who follows a member."""
    with open_database().session() as session:
        membership.assign_specialist(session, operator(), member_id, user_id)
        console.print(f"Member {member_id} is followed by user {user_id}.")


# ----------------------------------------------------------------------------- profile


@profile_app.command("show")
def profile_show(member_id: int) -> None:
    """The profile: each criterion in force and the member's answer."""
    with open_database().session() as session:
        view = profiles.get_profile(session, operator(), member_id)
        table = Table(
            "criterion",
            "level",
            "answer",
            "evidence",
            "narrative",
            title=f"Profile of member {member_id}: {view.profile.status}, "
            f"{view.answered}/{len(view.lines)} answered",
        )
        for line in view.lines:
            a = line.answer
            table.add_row(
                line.criterion.id,
                line.criterion.level.value,
                a.status if a else "-",
                str(line.evidence),
                (a.narrative[:60] if a else ""),
            )
        console.print(table)


@profile_app.command("answer")
def profile_answer(
    member_id: int,
    file: Annotated[
        Path, typer.Argument(help="CSV/XLSX: criterion, status, narrative", exists=True)
    ],
) -> None:
    """Record answers from a file (all or nothing; errors name the file's rows)."""
    rows = read_table(file.read_bytes(), file.name, ["criterion", "status"], ["narrative"])
    given = [
        profiles.AnswerIn(r["criterion"], r["status"], r.get("narrative", ""), row=n)
        for n, r in rows
    ]
    with open_database().session() as session:
        view = profiles.set_answers(session, operator(), member_id, given)
        console.print(f"{len(given)} answers saved; {view.answered}/{len(view.lines)} answered.")


@profile_app.command("submit")
def profile_submit(member_id: int) -> None:
    """Send the profile for review."""
    with open_database().session() as session:
        profiles.submit_profile(session, operator(), member_id)
        console.print(f"Profile of member {member_id} submitted.")


@profile_app.command("review")
def profile_review(
    member_id: int,
    accept: Annotated[bool, typer.Option("--accept/--return", help="Accept or send back")],
    note: Annotated[str, typer.Option(help="What to fix (needed to send back)")] = "",
) -> None:
    """Accept a submitted profile (certifies an applicant) or send it back."""
    with open_database().session() as session:
        m = profiles.review_profile(session, operator(), member_id, accept=accept, note=note)
        console.print(f"Member {m.id} is {m.status}, tier {m.tier or '-'}.")


@profile_app.command("confirm")
def profile_confirm(member_id: int) -> None:
    """The annual review: confirm the profile is current."""
    with open_database().session() as session:
        m = profiles.confirm_profile(session, operator(), member_id)
        console.print(f"Next profile review due {m.profile_review_due}.")


@programs_app.command("evidence")
def evidence_add(
    member_id: int,
    file: Annotated[Path, typer.Argument(help="PDF, image, Word, Excel or text", exists=True)],
    criterion: Annotated[str | None, typer.Option(help="The criterion it supports")] = None,
    action_id: Annotated[int | None, typer.Option("--action", help="The action it answers")] = None,
    note: Annotated[str | None, typer.Option(help="What it shows")] = None,
) -> None:
    """Attach an evidence file to a member's profile or to a required action."""
    data = file.read_bytes()
    with open_database().session() as session:
        stored = evidence.add_evidence(
            session,
            operator(),
            member_id,
            filename=file.name,
            data=data,
            content_type=mimetypes.guess_type(file.name)[0],
            max_bytes=settings().max_upload_mb * 2**20,
            criterion=criterion,
            action_id=action_id,
            note=note,
        )
        console.print(f"Evidence {stored.id} stored, sha256 {stored.sha256}.")


# ----------------------------------------------------------------------------- validations


@validations_app.command("schedule")
def validations_schedule(
    member_id: int,
    mode: Annotated[ValidationMode, typer.Option(help="virtual, on_site or hybrid")],
    on: Annotated[str, typer.Option("--on", help="Date, YYYY-MM-DD")],
    specialist: Annotated[list[int], typer.Option(help="Specialist user id (repeat)")] = [],  # noqa: B006
) -> None:
    """Schedule a validation of a member."""
    with open_database().session() as session:
        v = validations.schedule_validation(
            session,
            operator(),
            member_id,
            mode=mode.value,
            scheduled_for=date.fromisoformat(on),
            specialist_ids=specialist,
        )
        console.print(f"Validation {v.id} scheduled for {v.scheduled_for}.")


@validations_app.command("findings")
def validations_findings(
    validation_id: int,
    file: Annotated[Path, typer.Argument(help="CSV/XLSX: criterion, kind, note", exists=True)],
) -> None:
    """Record findings from a file (all or nothing; errors name the file's rows)."""
    rows = read_table(file.read_bytes(), file.name, ["criterion", "kind"], ["note"])
    given = [
        validations.FindingIn(r["criterion"], r["kind"], r.get("note", ""), row=n) for n, r in rows
    ]
    with open_database().session() as session:
        found = validations.record_findings(session, operator(), validation_id, given)
        console.print(f"{len(given)} findings recorded; the validation has {len(found)}.")


@validations_app.command("complete")
def validations_complete(
    validation_id: int,
    on: Annotated[str | None, typer.Option("--on", help="Completion date (default today)")] = None,
    outcome: Annotated[str | None, typer.Option(help="Override the proposed outcome")] = None,
    reason: Annotated[str, typer.Option(help="Why the outcome is overridden")] = "",
) -> None:
    """Complete a validation: outcome with reasons, required actions with due dates."""
    with open_database().session() as session:
        v = validations.complete_validation(
            session,
            operator(),
            validation_id,
            on=date.fromisoformat(on) if on else None,
            outcome=outcome,
            reason=reason,
        )
        console.print(f"Validation {v.id}: {v.outcome}.")
        for r in v.outcome_reasons:
            console.print(f"  {r['text']}", highlight=False)


@validations_app.command("show")
def validations_show(validation_id: int) -> None:
    """A validation with its findings that are not plain "meets"."""
    with open_database().session() as session:
        v = validations.get_validation(session, operator(), validation_id)
        console.print(
            f"Validation {v.id} of member {v.member_id}: {v.basis} {v.mode or ''} {v.status}, "
            f"outcome {v.outcome or '-'}"
        )
        for r in v.outcome_reasons:
            console.print(f"  {r['text']}", highlight=False)
        for f in store.findings_of(session, v.id):
            if f.kind != "meets":
                console.print(f"  {f.criterion:<6} {f.kind:<16} {f.note or ''}", highlight=False)


@validations_app.command("recognize")
def validations_recognize(
    member_id: int,
    agency: Annotated[str, typer.Option(help="The partner agency")],
    partner_program: Annotated[str, typer.Option(help="The partner's program")],
    reference: Annotated[str, typer.Option(help="The partner's reference")],
    on: Annotated[str, typer.Option("--on", help="Date of the partner's validation")],
) -> None:
    """Record a partner program's validation under mutual recognition."""
    with open_database().session() as session:
        v = validations.record_mutual_recognition(
            session,
            operator(),
            member_id,
            partner_agency=agency,
            partner_program=partner_program,
            reference=reference,
            validated_on=date.fromisoformat(on),
        )
        console.print(v.outcome_reasons[0]["text"], highlight=False)


# ----------------------------------------------------------------------------- actions


@actions_app.command("list")
def actions_list(
    program: Annotated[str | None, typer.Option(help="Program slug")] = None,
    member_id: Annotated[int | None, typer.Option("--member", help="One member")] = None,
    overdue: Annotated[bool, typer.Option(help="Only overdue actions")] = False,
    limit: int = 50,
) -> None:
    """Required actions, earliest due first."""
    from trustlane.programs.calendar import today

    with open_database().session() as session:
        where = store.ActionFilter(member_id, None, today() if overdue else None, program)
        page = actions.list_actions(session, operator(), where, PageRequest(limit))
        table = Table(
            "id", "organization", "criterion", "due", "status", title=f"{page.total} actions"
        )
        for a, _, o in page.items:
            table.add_row(str(a.id), o.name, a.criterion, a.due_on.isoformat(), a.status)
        console.print(table)


@actions_app.command("respond")
def actions_respond(
    action_id: int, response: Annotated[str, typer.Option(help="What was done")]
) -> None:
    """The member's response to a required action."""
    with open_database().session() as session:
        a = actions.respond_to_action(session, operator(), action_id, response)
        console.print(f"Action {a.id} is {a.status}.")


@actions_app.command("review")
def actions_review(
    action_id: int,
    accept: Annotated[bool, typer.Option("--accept/--send-back", help="Close or send back")],
    note: Annotated[str, typer.Option(help="Note (needed to send back)")] = "",
) -> None:
    """Accept a response (the action closes) or send it back."""
    with open_database().session() as session:
        a = actions.review_response(session, operator(), action_id, accept=accept, note=note)
        console.print(f"Action {a.id} is {a.status}.")


@actions_app.command("extend")
def actions_extend(
    action_id: int,
    due: Annotated[str, typer.Option("--due", help="New due date")],
    reason: ReasonOpt,
) -> None:
    """Move an action's due date."""
    with open_database().session() as session:
        a = actions.extend_action(session, operator(), action_id, date.fromisoformat(due), reason)
        console.print(f"Action {a.id} now due {a.due_on}.")


@programs_app.command("reminders")
def reminders(
    program: Annotated[str | None, typer.Option(help="Program slug")] = None,
    within: Annotated[int, typer.Option(help="Days ahead")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
) -> None:
    """Profile reviews, validations and required actions falling due (and overdue)."""
    with open_database().session() as session:
        found = actions.reminders(session, operator(), program=program, within_days=within)
        for r in found:
            if as_json:
                console.print(json.dumps(r.as_dict()), highlight=False, soft_wrap=True)
            else:
                mark = "[red]overdue[/]" if r.overdue else "due    "
                console.print(f"{mark} {r.due_on} {r.text}", highlight=False)
        if not found and not as_json:
            console.print("Nothing falls due.")
