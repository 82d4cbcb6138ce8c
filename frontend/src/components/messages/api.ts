// Messages between an application's organisation and the staff, the staff's private notes, and
// the caller's in-app notifications.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiFetch, apiGet, apiPost } from '../../api/client';
import type { StoredDocument } from '../documents/api';

/** One message of a thread. */
export interface Message {
  id: number;
  author: string;
  from_staff: boolean;
  mine: boolean;
  body: string;
  created_at: string;
  attachments: StoredDocument[];
}

/** GET /applications/:id/messages. */
export interface Thread {
  items: Message[];
  can_write: boolean;
}

/** A private note of the staff. */
export interface Note {
  id: number;
  author: string;
  body: string;
  created_at: string;
}

/** GET /applications/:id/notes. */
export interface Notes {
  items: Note[];
  can_write: boolean;
}

/** An in-app notification. */
export interface Notification {
  id: number;
  kind: string;
  title: string;
  body: string;
  link: string;
  created_at: string;
  read_at: string | null;
}

/** A page of notifications with the unread count. */
export interface NotificationPage {
  items: Notification[];
  next_cursor: string | null;
  unread: number;
}

/** Query keys of messages, notes and notifications. */
export const messageKeys = {
  thread: (applicationId: number | string) => ['messages', String(applicationId)] as const,
  notes: (applicationId: number | string) => ['notes', String(applicationId)] as const,
  notifications: ['notifications'] as const,
  unread: ['notifications', 'unread'] as const,
};

/** The thread of an application. */
export function useThread(applicationId: number | string) {
  return useQuery({
    queryKey: messageKeys.thread(applicationId),
    queryFn: ({ signal }) => apiGet<Thread>(`/applications/${applicationId}/messages`, { signal }),
  });
}

/** Posts a message with its attachments (multipart: the body first, then each file). */
export function postMessage(applicationId: number | string, body: string, files: File[]): Promise<Message> {
  if (files.length === 0) return apiPost<Message>(`/applications/${applicationId}/messages`, { body });
  const form = new FormData();
  form.append('body', body);
  for (const f of files) form.append('file', f, f.name);
  return apiFetch<Message>(`/applications/${applicationId}/messages`, { method: 'POST', body: form });
}

/** The private notes of an application (staff only). */
export function useNotes(applicationId: number | string, enabled: boolean) {
  return useQuery({
    queryKey: messageKeys.notes(applicationId),
    queryFn: ({ signal }) => apiGet<Notes>(`/applications/${applicationId}/notes`, { signal }),
    enabled,
  });
}

/** Adds a private note. */
export function addNote(applicationId: number | string, body: string): Promise<Note> {
  return apiPost<Note>(`/applications/${applicationId}/notes`, { body });
}

/** The caller's notifications, newest first, page by page. */
export function useNotifications() {
  return useInfiniteQuery({
    queryKey: messageKeys.notifications,
    queryFn: ({ signal, pageParam }) => apiGet<NotificationPage>('/me/notifications', { signal, query: { cursor: pageParam || undefined } }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The caller's unread count, refreshed every minute. */
export function useUnreadCount(enabled: boolean) {
  return useQuery({
    queryKey: messageKeys.unread,
    queryFn: ({ signal }) => apiGet<{ unread: number }>('/me/notifications/unread', { signal }).then((r) => r.unread),
    enabled,
    refetchInterval: 60_000,
  });
}

/** Marks notifications read (all of them when ids is empty); returns the unread count left. */
export function markRead(ids: number[]): Promise<{ unread: number }> {
  return apiPost<{ unread: number }>('/me/notifications/read', { ids });
}
