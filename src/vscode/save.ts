// Saving a document that an edit of ours just changed (Undo of a run's change, Restore).
import * as vscode from 'vscode';

const SAVE_ATTEMPTS = 3;
const PAUSE_BETWEEN_ATTEMPTS_MS = 300;

/**
 * Save a dirty document, trying again after a short pause when VS Code reports failure. The API
 * gives no reason, only `false`; it happened once in CI, under load, right after the file was
 * written on disk by another program, and never when tried again: a save racing the workbench's
 * own reaction to that write. Saved, or already clean, is true.
 */
export async function saveEditedDocument(document: vscode.TextDocument): Promise<boolean> {
  for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
    if (!document.isDirty) return true;
    if (await document.save()) return true;
    if (attempt < SAVE_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_ATTEMPTS_MS));
  }
  return !document.isDirty;
}
