// "Tell Shannon…": a free-text instruction to the run, shown when its CLI declared `instruct`.
// Sent instructions are listed with where they stand: sent, done, refused (with the CLI's
// message), or "no answer from the CLI" after 10 s. The control status line shows the same for
// Halt, Resume and Cancel.
import { useState } from 'preact/hooks';
import type { ControlState, SessionSummary } from '../../src/protocol/session';
import { controlProgress, type ControlProgress } from '../../src/protocol/families/control';
import { memo } from '../memo';
import { useNow } from '../use-now';
import { Icon } from './Icon';
import { isUnfinished } from './status';

const MAX_INSTRUCTION_CHARS = 4000;
const PROGRESS_LOOK: Record<ControlProgress, { icon: string; text: string }> = {
  sent: { icon: 'loading', text: 'sent' },
  done: { icon: 'pass', text: 'done' },
  refused: { icon: 'error', text: 'refused' },
  'no-answer': { icon: 'warning', text: 'no answer from the CLI' },
};

function ProgressText({ control, now }: { control: ControlState; now: number }) {
  const progress = controlProgress(control, now);
  const look = PROGRESS_LOOK[progress];
  const message = control.result?.message;
  return (
    <span class={`control-progress control-${progress}`}>
      <Icon name={look.icon} spin={progress === 'sent'} /> {look.text}
      {message ? `: ${message}` : ''}
    </span>
  );
}

const waiting = (controls: readonly ControlState[]) => controls.some((c) => !c.result && c.sentAt);

function InstructView(props: { session: SessionSummary; instruct: (text: string) => void }) {
  const { session } = props;
  const [text, setText] = useState('');
  const sent = (session.controls ?? []).filter((c) => c.command === 'instruct');
  const now = useNow(waiting(sent));
  if (!session.capabilities.includes('instruct') || session.unauthenticated || !isUnfinished(session.state)) {
    return null;
  }
  const send = () => {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_INSTRUCTION_CHARS) return;
    props.instruct(trimmed);
    setText('');
  };
  return (
    <div class="instruct">
      {sent.length > 0 && (
        <ul class="instructions" aria-label="Instructions sent">
          {sent.slice(-3).map((control) => (
            <li key={control.id} title={control.text}>
              <span class="instruction-text">{control.text}</span> <ProgressText control={control} now={now} />
            </li>
          ))}
        </ul>
      )}
      <form
        class="instruct-form"
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <input
          type="text"
          class="instruct-input"
          placeholder="Tell Shannon…"
          aria-label="Tell Shannon: an instruction for the run"
          maxLength={MAX_INSTRUCTION_CHARS}
          value={text}
          onInput={(event) => setText((event.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="instruct-send" aria-disabled={text.trim() ? undefined : 'true'} title="Send">
          <Icon name="send" />
          <span class="visually-hidden">Send</span>
        </button>
      </form>
    </div>
  );
}

export const Instruct = memo(InstructView);

const COMMAND_NAMES: Record<string, string> = { halt: 'Halt', resume: 'Resume', cancel: 'Cancel' };
/** A CLI may answer Halt / Resume / Cancel by its state event alone: that counts as done. */
const STATE_AFTER: Record<string, SessionSummary['state'][]> = {
  halt: ['halted'],
  resume: ['running'],
  cancel: ['cancelled', 'failed', 'completed', 'lost'],
};

/** The latest Halt / Resume / Cancel and where it stands, under the header's buttons. */
function ControlStatusView({ session }: { session: SessionSummary }) {
  const found = [...(session.controls ?? [])].reverse().find((c) => c.command && c.command in COMMAND_NAMES);
  const reached = found?.command !== undefined && STATE_AFTER[found.command].includes(session.state);
  const latest: ControlState | undefined =
    found && !found.result && reached ? { ...found, result: { ok: true, at: found.sentAt ?? '' } } : found;
  const now = useNow(latest !== undefined && !latest.result);
  if (!latest || !latest.command) return null;
  return (
    <p class="control-status" role="status">
      {COMMAND_NAMES[latest.command]}: <ProgressText control={latest} now={now} />
    </p>
  );
}

export const ControlStatus = memo(ControlStatusView);
