// The validation panel: one block per check run (name, command, state, duration) with its live
// output, stderr told apart from stdout and ANSI colours drawn from the theme. A failed or running
// check is open; the others fold. The output is windowed (webview/validation-output.ts).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ValidationCheck } from '../../src/protocol/session';
import { formatDuration } from '../format';
import type { MonitorModel } from '../monitor-model';
import { OutputView, outputText, type CheckOutput } from '../validation-output';
import { Icon } from './Icon';
import { earlierRunsText } from './SkillsPanel';

const CHECK_LOOK: Record<ValidationCheck['status'], { icon: string; label: string }> = {
  running: { icon: 'loading', label: 'running' },
  passed: { icon: 'pass', label: 'passed' },
  failed: { icon: 'error', label: 'failed' },
};

/** "3 checks, 1 failed" (and how many still run). */
export function checksHeadline(checks: readonly ValidationCheck[], dropped = 0): string {
  const failed = checks.filter((c) => c.status === 'failed').length;
  const running = checks.filter((c) => c.status === 'running').length;
  const total = checks.length + dropped;
  let text = `${total.toLocaleString('en-US')} check${total === 1 ? '' : 's'}`;
  // Failures are counted among the listed runs only.
  if (failed > 0) text += `, ${failed} failed${dropped > 0 ? ` of the latest ${checks.length}` : ''}`;
  if (running > 0) text += `, ${running} running`;
  return text;
}

function stateText(check: ValidationCheck): string {
  if (check.status === 'failed') return check.exitCode !== undefined ? `failed, exit code ${check.exitCode}` : 'failed';
  return CHECK_LOOK[check.status].label;
}

function checkDuration(check: ValidationCheck): string {
  if (check.durationMs !== undefined) return formatDuration(check.durationMs);
  return '';
}

const EMPTY_OUTPUT: CheckOutput = { lines: [], stderr: [], stderrLines: 0 };

function lineText(output: CheckOutput): string {
  const count = output.lines.length;
  return `${count} line${count === 1 ? '' : 's'}${output.stderrLines > 0 ? `, ${output.stderrLines} on stderr` : ''}`;
}

function CheckOutputBox(props: { model: MonitorModel; run: number; name: string; copy: (text: string) => void }) {
  const { model, run } = props;
  const box = useRef<HTMLDivElement>(null);
  const view = useRef<OutputView | null>(null);
  const [following, setFollowing] = useState(true);
  const [lineCount, setLineCount] = useState(0);
  const countText = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const output = () => model.validationOutput.runs[run] ?? EMPTY_OUTPUT;
    const source = {
      count: () => output().lines.length,
      line: (i: number) => ({ text: output().lines[i] ?? '', stderr: output().stderr[i] === true }),
    };
    const outputView = new OutputView(box.current!, source, setFollowing);
    view.current = outputView;
    // Per appended line only the view and the count's text change: no component re-renders.
    let shownCount = output().lines.length;
    const refresh = () => {
      outputView.update();
      if (countText.current) countText.current.textContent = lineText(output());
      // Re-render only when the first line arrives (Copy output becomes enabled).
      if (shownCount === 0 && output().lines.length > 0) setLineCount((shownCount = output().lines.length));
    };
    outputView.update();
    setLineCount(shownCount);
    model.outputListeners.add(refresh);
    return () => {
      model.outputListeners.delete(refresh);
      outputView.dispose();
      box.current?.replaceChildren();
    };
  }, [model, run, model.generation]);

  const output = model.validationOutput.runs[run] ?? EMPTY_OUTPUT;
  return (
    <div class="check-output-area">
      <div class="check-toolbar">
        <span class="muted" ref={countText}>
          {lineText(output)}
        </span>
        <span class="check-toolbar-actions">
          {!following && (
            <button type="button" class="icon-button" onClick={() => view.current?.follow()}>
              <Icon name="arrow-down" /> Follow
            </button>
          )}
          <button
            type="button"
            class="icon-button"
            disabled={lineCount === 0 && output.lines.length === 0}
            onClick={() => props.copy(outputText(model.validationOutput.runs[run] ?? EMPTY_OUTPUT))}
          >
            <Icon name="copy" /> Copy output
          </button>
        </span>
      </div>
      <div
        ref={box}
        class="check-output"
        role="log"
        aria-live="off"
        aria-label={`Output of ${props.name}`}
        tabIndex={0}
      />
    </div>
  );
}

function CheckBlock(props: { check: ValidationCheck; run: number; model: MonitorModel; copy: (text: string) => void }) {
  const { check } = props;
  // Open while running or failed unless the user folded or opened it themselves.
  const [chosen, setChosen] = useState<boolean | undefined>(undefined);
  const open = chosen ?? check.status !== 'passed';
  const look = CHECK_LOOK[check.status];
  return (
    <li class={`check check-${check.status}`}>
      <details
        open={open}
        onToggle={(e) => {
          const nowOpen = (e.currentTarget as HTMLDetailsElement).open;
          if (nowOpen !== open) setChosen(nowOpen);
        }}
      >
        <summary class="check-line">
          <Icon name={look.icon} spin={check.status === 'running'} class={`check-icon check-icon-${check.status}`} />
          <span class="check-name">{check.name}</span>
          <span class="check-state">{stateText(check)}</span>
          <span class="check-duration">{checkDuration(check)}</span>
        </summary>
        {check.command && (
          <div class="check-command" title={check.command}>
            <code>$ {check.command}</code>
          </div>
        )}
        {open && <CheckOutputBox model={props.model} run={props.run} name={check.name} copy={props.copy} />}
      </details>
    </li>
  );
}

export function ValidationPanel(props: {
  checks: readonly ValidationCheck[];
  /** Earlier runs the summary no longer lists. */
  dropped?: number;
  model: MonitorModel;
  copy: (text: string) => void;
}) {
  if (props.checks.length === 0) return <p class="muted">No checks yet.</p>;
  const dropped = props.dropped ?? 0;
  // The Monitor may hold only the latest events of a long run, and the summary only its latest
  // check runs: both lists end with the newest run, so they are matched from the end (an offset
  // below 0 means the page saw runs the summary no longer lists).
  const offset = props.checks.length - props.model.validationOutput.runs.length;
  return (
    <>
      {dropped > 0 && <p class="muted earlier-runs">{earlierRunsText(dropped, 'check run')}</p>}
      <ul class="checks" aria-label="Checks">
        {props.checks.map((check, i) => (
          <CheckBlock
            key={`${dropped + i}:${check.name}`}
            check={check}
            run={i - offset}
            model={props.model}
            copy={props.copy}
          />
        ))}
      </ul>
    </>
  );
}
