// Documents of an application: the list (slots, versions, file fields), the streamed upload with
// progress (XMLHttpRequest: fetch cannot report upload progress), download links and deletion.
import { useQuery } from '@tanstack/react-query';
import { ApiError, apiBase, apiFetch, apiGet, getCsrfToken, networkErrorCode, problemToError } from '../../api/client';

/** A stored document (one version). */
export interface StoredDocument {
  id: number;
  application_id: number;
  slot: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  replaced_by: number | null;
  message_id?: number | null;
  created_at: string;
  /** Name of who sent this version. */
  uploaded_by: string;
}

/** A format Tremplin accepts. */
export interface FileType {
  key: string;
  label: string;
  mime: string;
  extensions: string[];
}

/** A document slot of the call with its current document and older versions. */
export interface SlotDocuments {
  key: string;
  label: string;
  types: string[];
  max_bytes: number;
  mandatory: boolean;
  current: StoredDocument | null;
  versions: StoredDocument[];
}

/** GET /applications/:id/documents. */
export interface DocumentsView {
  slots: SlotDocuments[];
  fields: Record<string, StoredDocument[]>;
  editable: boolean;
  max_bytes: number;
  types: FileType[];
}

/** Query keys of the documents feature. */
export const documentKeys = {
  list: (applicationId: number | string) => ['documents', String(applicationId)] as const,
};

/** The documents of an application. */
export function useDocuments(applicationId: number | string) {
  return useQuery({
    queryKey: documentKeys.list(applicationId),
    queryFn: ({ signal }) => apiGet<DocumentsView>(`/applications/${applicationId}/documents`, { signal }),
  });
}

/** Where a document downloads (through the API, with the application's authorization). */
export function downloadUrl(documentId: number): string {
  return `${apiBase}/documents/${documentId}/download`;
}

/** Deletes a document of a draft (with its older versions). */
export function deleteDocument(documentId: number): Promise<void> {
  return apiFetch<void>(`/documents/${documentId}`, { method: 'DELETE' });
}

/** An upload in flight: its promise and a way to cancel it. */
export interface UploadHandle {
  done: Promise<StoredDocument>;
  abort: () => void;
}

/** Where an upload goes. */
export type UploadTarget = { slot: string } | { field: string };

/**
 * Sends one file as the raw request body (the server streams it to storage as it arrives) and
 * reports progress from 0 to 1. Errors come back as ApiError from the problem document.
 */
export function uploadDocument(applicationId: number | string, target: UploadTarget, file: File, onProgress: (fraction: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const params = new URLSearchParams({ ...target, filename: file.name });
  const done = new Promise<StoredDocument>((resolve, reject) => {
    xhr.open('POST', `${apiBase}/applications/${applicationId}/documents?${params.toString()}`);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        // not JSON: problemToError copes
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as StoredDocument);
      } else {
        reject(problemToError(xhr.status, body, xhr.getResponseHeader('X-Request-Id')));
      }
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, code: networkErrorCode }));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** "1,5 Mo", "512 ko": sizes the French way. */
export function formatSize(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1).replace('.', ',').replace(',0', '')} Go`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1).replace('.', ',').replace(',0', '')} Mo`;
  if (bytes >= 1 << 10) return `${Math.round(bytes / (1 << 10))} ko`;
  return `${bytes} o`;
}

/** The file-input accept attribute for a list of format keys ("pdf", "jpeg"…). */
export function acceptFor(types: string[], all: FileType[]): string {
  const keys = new Set(types.map((t) => t.toLowerCase().replace(/^\./, '')));
  const chosen = keys.size === 0 ? all : all.filter((t) => keys.has(t.key) || t.extensions.some((e) => keys.has(e.slice(1))));
  return (chosen.length ? chosen : all).flatMap((t) => t.extensions).join(',');
}
