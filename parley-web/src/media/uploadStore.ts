import type { MediaKind, MediaView } from './types';
import type { ChatTarget } from './UploadQueue';

/** What survives a reload of a message still uploading: its ids and caption, and each file with its upload id. */
export interface SavedOutgoing {
  clientMsgId: string;
  to: ChatTarget;
  text: string;
  createdAt: number;
  items: {
    localId: string; name: string; kind: MediaKind; contentType: string; blob: Blob;
    durationMs?: number; waveform?: number[]; uploadId?: string; media?: MediaView;
  }[];
}

export interface OutgoingStore {
  load(): Promise<SavedOutgoing[]>;
  /** Whether it was stored (false: no store, or the browser refused it). */
  save(o: SavedOutgoing): Promise<boolean>;
  remove(clientMsgId: string): Promise<void>;
}

/** Nothing kept (tests, browsers without IndexedDB, private windows that refuse it). */
export const noStore: OutgoingStore = { load: async () => [], save: async () => false, remove: async () => {} };

/**
 * IndexedDB, because files (Blobs) can be kept there across reloads, unlike localStorage. One database per user,
 * one record per message by clientMsgId. Failures are swallowed: persistence helps, it is not required.
 */
export function indexedDbStore(userId: number, idb: IDBFactory | undefined = globalThis.indexedDB): OutgoingStore {
  if (!idb) return noStore;
  let db: Promise<IDBDatabase> | null = null;
  const open = () => (db ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = idb.open(`parley-uploads-${userId}`, 1);
    req.onupgradeneeded = () => { req.result.createObjectStore('outgoing', { keyPath: 'clientMsgId' }); };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  }));
  const run = <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => open().then(d => new Promise<T>((resolve, reject) => {
    const tx = d.transaction('outgoing', mode);
    const r = f(tx.objectStore('outgoing'));
    tx.oncomplete = () => resolve(r.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  }));
  return {
    load: () => run('readonly', s => s.getAll() as IDBRequest<SavedOutgoing[]>).catch(() => []),
    save: o => run('readwrite', s => s.put(o)).then(() => true, () => false),
    remove: id => run('readwrite', s => s.delete(id)).then(() => {}, () => {}),
  };
}
