// Autosave of an application draft: a debounced PATCH with If-Match on the version the client
// started from. The server merges concurrent edits field by field; what the user typed while a
// save was in flight is kept, and fields both sides changed come back as conflicts to resolve.
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiBase, getCsrfToken } from '../../api/client';
import { autosave, type ApplicationView, type AutosaveResult, type Conflict } from '../../api/applications';
import type { Answers, Budget, PathError } from '../../api/forms';
import { sameAnswer } from '../../components/forms/formLogic';

/** What the applicant edits. */
export interface Draft {
  title: string;
  answers: Answers;
  budget: Budget;
}

/** Where the autosave stands. */
export type SaveStatus = 'idle' | 'dirty' | 'saving' | 'saved' | 'error';

const debounceMs = 1200;

/** The draft of view, as the form edits it. */
export function draftOf(v: ApplicationView): Draft {
  return { title: v.title, answers: v.answers ?? {}, budget: { lines: v.budget?.lines ?? [] } };
}

/** Keeps what the user changed since `sent`; takes the server's value for the rest. */
export function mergeLocal(sent: Draft, local: Draft, server: Draft): Draft {
  const answers: Answers = {};
  const keys = new Set([...Object.keys(sent.answers), ...Object.keys(local.answers), ...Object.keys(server.answers)]);
  for (const k of keys) {
    const v = sameAnswer(local.answers[k], sent.answers[k]) ? server.answers[k] : local.answers[k];
    if (v !== undefined) answers[k] = v;
  }
  return {
    title: local.title === sent.title ? server.title : local.title,
    answers,
    budget: sameAnswer(local.budget, sent.budget) ? server.budget : local.budget,
  };
}

/** The autosave state of one application. */
export function useAutosave(view: ApplicationView, onSaved: (res: AutosaveResult) => void) {
  const [draft, setDraftState] = useState<Draft>(() => draftOf(view));
  const [status, setStatus] = useState<SaveStatus>('idle');
  const [error, setError] = useState<unknown>(null);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [warnings, setWarnings] = useState<PathError[]>(view.warnings ?? []);
  const draftRef = useRef(draft);
  const baseRef = useRef(view.version);
  const pending = useRef(false);
  const inflight = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const onSavedRef = useRef(onSaved);
  useEffect(() => {
    onSavedRef.current = onSaved;
  }, [onSaved]);

  const saveRef = useRef<() => Promise<void>>(async () => undefined);
  const save = useCallback(async () => {
    clearTimeout(timer.current);
    if (inflight.current || !pending.current) return;
    inflight.current = true;
    pending.current = false;
    const sent = draftRef.current;
    setStatus('saving');
    try {
      const res = await autosave(view.id, baseRef.current, sent);
      baseRef.current = res.version;
      const merged = mergeLocal(sent, draftRef.current, draftOf(res));
      draftRef.current = merged;
      setDraftState(merged);
      setConflicts((cur) => [...cur.filter((c) => !res.conflicts.some((n) => n.field === c.field)), ...res.conflicts]);
      setWarnings(res.warnings ?? []);
      setSavedAt(new Date());
      setError(null);
      setStatus(pending.current ? 'dirty' : 'saved');
      onSavedRef.current(res);
      inflight.current = false;
      // Typed while saving: save that too.
      if (pending.current) {
        clearTimeout(timer.current);
        timer.current = setTimeout(() => void saveRef.current(), debounceMs);
      }
    } catch (err) {
      // No automatic retry: the message says why, the user retries (nothing typed is dropped).
      inflight.current = false;
      pending.current = true;
      setError(err);
      setStatus('error');
    }
  }, [view.id]);
  useEffect(() => {
    saveRef.current = save;
  }, [save]);

  const schedule = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveRef.current(), debounceMs);
  }, []);

  /** Applies an edit and plans its save. */
  const update = useCallback(
    (fn: (d: Draft) => Draft) => {
      const next = fn(draftRef.current);
      draftRef.current = next;
      setDraftState(next);
      pending.current = true;
      setStatus('dirty');
      schedule();
    },
    [schedule],
  );

  /** Saves now (before submitting, or when leaving). */
  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    await saveRef.current();
  }, []);

  // Leaving the page (reload, closed tab): send what is pending with keepalive.
  useEffect(() => {
    const onHide = () => {
      if (!pending.current) return;
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'If-Match': `"${baseRef.current}"` };
      const csrf = getCsrfToken();
      if (csrf) headers['X-CSRF-Token'] = csrf;
      void fetch(`${apiBase}/applications/${view.id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify(draftRef.current),
        credentials: 'same-origin',
        keepalive: true,
      }).catch(() => undefined);
      pending.current = false;
    };
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      // Navigating inside the app: the save goes on after the page unmounts.
      if (pending.current) void save();
    };
  }, [view.id, save]);

  const resolve = useCallback(
    (c: Conflict, keepMine: boolean) => {
      setConflicts((cur) => cur.filter((x) => x.field !== c.field));
      if (!keepMine) return;
      update((d) => {
        if (c.field === 'title') return { ...d, title: String(c.mine ?? '') };
        if (c.field === 'budget') return { ...d, budget: (c.mine as Budget) ?? { lines: [] } };
        const key = c.field.replace(/^answers\./, '');
        const answers = { ...d.answers };
        if (c.mine === undefined || c.mine === null) delete answers[key];
        else answers[key] = c.mine;
        return { ...d, answers };
      });
    },
    [update],
  );

  return { draft, update, status, error, savedAt, conflicts, resolve, warnings, flush };
}
