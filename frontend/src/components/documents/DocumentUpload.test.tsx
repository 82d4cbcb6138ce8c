import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { vi } from 'vitest';
import { DocumentUpload } from './DocumentUpload';
import { acceptFor, formatSize, type FileType } from './api';

// A stand-in for XMLHttpRequest whose progress and answer the test drives.
class FakeXHR {
  static last: FakeXHR | null = null;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown = null;
  open(_method: string, url: string) {
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  getResponseHeader() {
    return null;
  }
  send(body: unknown) {
    this.body = body;
    FakeXHR.last = this;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

beforeEach(() => {
  FakeXHR.last = null;
  vi.stubGlobal('XMLHttpRequest', FakeXHR);
});
afterEach(() => vi.unstubAllGlobals());

function pdf(size = 2048, name = 'statuts.pdf') {
  return new File([new Uint8Array(size)], name, { type: 'application/pdf' });
}

describe('DocumentUpload', () => {
  it('streams the file with its slot and name, shows and announces the progress, then reports the document', async () => {
    const onUploaded = vi.fn();
    render(<DocumentUpload applicationId={7} target={{ slot: 'statuts' }} label="Statuts signés" accept=".pdf" maxBytes={10 << 20} onUploaded={onUploaded} />);
    const input = screen.getByLabelText('Fichier pour « Statuts signés »');
    await userEvent.upload(input, pdf());
    const xhr = FakeXHR.last!;
    expect(xhr.url).toBe('/api/v1/applications/7/documents?slot=statuts&filename=statuts.pdf');
    expect(xhr.body).toBeInstanceOf(File);

    act(() => xhr.progress(1024, 2048));
    const bar = screen.getByRole('progressbar', { name: 'Progression de l\'envoi de « statuts.pdf »' });
    expect(bar).toHaveAttribute('value', '50');
    expect(screen.getByRole('status')).toHaveTextContent('Envoi de « statuts.pdf » : 50 %');

    act(() => xhr.answer(201, { id: 3, filename: 'statuts.pdf', size_bytes: 2048 }));
    expect(await screen.findByRole('status')).toHaveTextContent('« statuts.pdf » a été déposé.');
    expect(bar).toHaveAttribute('value', '100');
    expect(onUploaded).toHaveBeenCalledWith(expect.objectContaining({ id: 3 }));
  });

  it('shows the server refusal in French', async () => {
    render(<DocumentUpload applicationId={7} target={{ slot: 'statuts' }} label="Statuts signés" accept=".pdf" maxBytes={10 << 20} onUploaded={vi.fn()} />);
    await userEvent.upload(screen.getByLabelText('Fichier pour « Statuts signés »'), pdf());
    act(() =>
      FakeXHR.last!.answer(400, {
        status: 400,
        code: 'type_mismatch',
        detail: 'Le fichier « statuts.pdf » est un programme exécutable, pas un document PDF : il est refusé.',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('programme exécutable');
  });

  it('refuses a file over the limit before sending it, and says it will replace the current one', async () => {
    render(<DocumentUpload applicationId={7} target={{ slot: 'rib' }} label="RIB" accept=".pdf" maxBytes={1024} replacing onUploaded={vi.fn()} />);
    await userEvent.upload(screen.getByLabelText(/Remplacer « RIB »/), pdf(4096, 'rib.pdf'));
    expect(FakeXHR.last).toBeNull();
    expect(screen.getByRole('alert')).toHaveTextContent('« rib.pdf » (4 ko) dépasse la taille maximale de 1 ko');
  });

  it('cancels an upload in flight', async () => {
    render(<DocumentUpload applicationId={7} target={{ slot: 'statuts' }} label="Statuts signés" accept=".pdf" maxBytes={10 << 20} onUploaded={vi.fn()} />);
    await userEvent.upload(screen.getByLabelText('Fichier pour « Statuts signés »'), pdf());
    await userEvent.click(screen.getByRole('button', { name: "Annuler l'envoi" }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Envoi annulé.');
  });
});

describe('document helpers', () => {
  const types: FileType[] = [
    { key: 'pdf', label: 'PDF', mime: 'application/pdf', extensions: ['.pdf'] },
    { key: 'jpeg', label: 'JPEG', mime: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
    { key: 'csv', label: 'CSV', mime: 'text/csv', extensions: ['.csv'] },
  ];
  it('sizes the French way', () => {
    expect(formatSize(10 << 20)).toBe('10 Mo');
    expect(formatSize(3 << 19)).toBe('1,5 Mo');
    expect(formatSize(2048)).toBe('2 ko');
  });
  it('accepts the slot formats, all of them when none is named', () => {
    expect(acceptFor(['pdf', 'JPEG'], types)).toBe('.pdf,.jpg,.jpeg');
    expect(acceptFor([], types)).toBe('.pdf,.jpg,.jpeg,.csv');
  });
});
