// The run's questions. A pending decision is a card at the top of the Monitor: the question, one
// button per option (the default marked) and a countdown to the moment the CLI takes the default.
// A click sends the answer once; the card then says what was sent until the run confirms it, and a
// resolved decision folds into a one-line history ("You chose …", "Default taken: …").
// Legacy sessions (no authentication) and CLIs that did not declare `decide` show it read-only.
import type { DecisionState, SessionSummary } from '../../src/protocol/session';
import { controlProgress } from '../../src/protocol/families/control';
import { formatClock } from '../format';
import { memo } from '../memo';
import { useNow } from '../use-now';
import { Icon } from './Icon';
import { isUnfinished } from './status';

function optionLabel(decision: DecisionState, optionId: string): string {
  return decision.options.find((o) => o.id === optionId)?.label ?? optionId;
}

/** "You chose …" / "Default taken: …" / "The CLI chose …" / "Not answered". */
export function decisionOutcome(decision: DecisionState): string {
  const resolved = decision.resolved;
  if (!resolved) return 'Not answered';
  const label = optionLabel(decision, resolved.optionId);
  if (resolved.by === 'default') return `Default taken: ${label}`;
  if (resolved.by === 'cli') return `The CLI chose: ${label}`;
  return `You chose: ${label}`;
}

function Countdown({ decision, now }: { decision: DecisionState; now: number }) {
  if (!decision.autoResolveAt) return null;
  const at = Date.parse(decision.autoResolveAt);
  if (Number.isNaN(at)) return null;
  const left = at - now;
  const what = decision.defaultOptionId
    ? `Default (${optionLabel(decision, decision.defaultOptionId)})`
    : 'The CLI decides';
  return (
    <p class="decision-countdown" role="timer" aria-live="off">
      <Icon name="watch" /> {left > 0 ? `${what} in ${formatClock(left + 999)}` : `${what} now`}
    </p>
  );
}

function Card(props: {
  session: SessionSummary;
  decision: DecisionState;
  now: number;
  decide: (decisionId: string, optionId: string) => void;
}) {
  const { session, decision, now } = props;
  const readOnlyReason = session.unauthenticated
    ? 'This run came through the legacy endpoint, which accepts no answers: answer in the terminal.'
    : !session.capabilities.includes('decide')
      ? 'The CLI did not say it takes answers from VS Code: answer in the terminal.'
      : undefined;
  const sent = decision.answer;
  const control = sent ? session.controls?.find((c) => c.id === sent.controlId) : undefined;
  const progress = control ? controlProgress(control, now) : undefined;
  return (
    <section class="decision-card" aria-label="Decision" data-decision-id={decision.decisionId}>
      <p class="decision-question">
        <Icon name="question" /> <span>{decision.question}</span>
      </p>
      <div class="decision-options" role="group" aria-label="Options">
        {decision.options.map((option) => {
          const isDefault = option.id === decision.defaultOptionId;
          const chosen = sent?.optionId === option.id;
          const disabled = readOnlyReason !== undefined || sent !== undefined;
          return (
            <button
              type="button"
              key={option.id}
              class={`decision-option${isDefault ? ' decision-default' : ''}${chosen ? ' decision-chosen' : ''}${
                !disabled && isDefault ? ' primary' : ''
              }`}
              data-option-id={option.id}
              aria-disabled={disabled ? 'true' : undefined}
              aria-pressed={chosen ? 'true' : undefined}
              title={readOnlyReason ?? option.description ?? option.label}
              onClick={() => !disabled && props.decide(decision.decisionId, option.id)}
            >
              {chosen && <Icon name="check" />}
              <span>{option.label}</span>
              {isDefault && <span class="decision-default-mark">default</span>}
            </button>
          );
        })}
      </div>
      {readOnlyReason && <p class="decision-note muted">{readOnlyReason}</p>}
      {sent && (
        <p class={`decision-note control-${progress ?? 'sent'}`} role="status">
          {progress === 'refused'
            ? `The CLI refused the answer${control?.result?.message ? `: ${control.result.message}` : ''}`
            : progress === 'no-answer'
              ? `Sent "${optionLabel(decision, sent.optionId)}": no answer from the CLI`
              : `Sent "${optionLabel(decision, sent.optionId)}", waiting for the CLI…`}
        </p>
      )}
      {!sent && <Countdown decision={decision} now={now} />}
    </section>
  );
}

function DecisionsView(props: { session: SessionSummary; decide: (decisionId: string, optionId: string) => void }) {
  const { session } = props;
  const decisions = session.decisions ?? [];
  const live = isUnfinished(session.state);
  const pending = live ? decisions.filter((d) => !d.resolved) : [];
  const history = decisions.filter((d) => d.resolved || !live);
  const now = useNow(pending.length > 0);
  if (decisions.length === 0) return null;
  return (
    <div class="decisions">
      {pending.map((decision) => (
        <Card key={decision.decisionId} session={session} decision={decision} now={now} decide={props.decide} />
      ))}
      {history.length > 0 && (
        <ul class="decision-history" aria-label="Decisions">
          {history.slice(-5).map((decision) => (
            <li key={decision.decisionId} title={decision.question}>
              <Icon name={decision.resolved ? 'pass' : 'circle-slash'} />{' '}
              <span class="decision-outcome">{decisionOutcome(decision)}</span>{' '}
              <span class="muted decision-history-question">— {decision.question}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const Decisions = memo(DecisionsView);
