import type {
  TCollection,
  TCollectionDetail,
  TCollectionInput,
  TComment,
  TCurriculumBook,
  TPushItem,
  TResource,
  TResourceInput,
  TResourceStats,
  TResourceSummary,
  TReviewDetail,
  TUpload,
} from '@qiming/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, AppError, request, type Paged } from '../../lib/api.ts';

export type CatalogueFilter = {
  subject?: string;
  gradeLevel?: number;
  term?: string;
  edition?: string;
  unitId?: string;
  type?: string;
  mark?: string;
  sort?: 'latest' | 'popular' | 'rating';
};

export type CurriculumNode = { id: string; title: string; kind: 'unit' | 'lesson'; seq: number; children: { id: string; title: string }[] };
export type BookSummary = Omit<TCurriculumBook, 'units'> & { units: number; lessons: number };

export const useBooks = () =>
  useQuery({ queryKey: ['curriculum-books'], queryFn: () => api.get<BookSummary[]>('/api/curriculum/books'), staleTime: 600_000 });

export const useBook = (key: { edition?: string; subject?: string; gradeLevel?: number; term?: string }) =>
  useQuery({
    queryKey: ['curriculum', key],
    queryFn: () => api.get<CurriculumNode[]>('/api/curriculum', key),
    enabled: !!(key.edition && key.subject && key.gradeLevel && key.term),
    staleTime: 600_000,
  });

export const useResources = (f: CatalogueFilter, page: number, pageSize = 12) =>
  useQuery({
    queryKey: ['resources', f, page, pageSize],
    queryFn: () => api.get<Paged<TResourceSummary>>('/api/resources', { ...f, page, pageSize }),
    placeholderData: keepPreviousData,
  });

export const useCatalogueCounts = (f: CatalogueFilter) =>
  useQuery({
    queryKey: ['resource-counts', f],
    queryFn: () =>
      api.get<{ total: number; units: { unitId: string; count: number }[] }>('/api/resources/catalogue-counts', {
        subject: f.subject,
        gradeLevel: f.gradeLevel,
        term: f.term,
        edition: f.edition,
        type: f.type,
        mark: f.mark,
      }),
    placeholderData: keepPreviousData,
  });

export const useForMe = (enabled: boolean) =>
  useQuery({
    queryKey: ['resources-for-me'],
    queryFn: () => api.get<{ pairs: { subject: string; gradeLevel: number | null }[]; items: TResourceSummary[] }>('/api/resources/for-me'),
    enabled,
  });

export const useMyResources = (status: string | undefined, page: number) =>
  useQuery({
    queryKey: ['my-resources', status, page],
    queryFn: () => api.get<Paged<TResourceSummary>>('/api/resources/mine', { status, page, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });

export const useResource = (id: string | undefined) =>
  useQuery({ queryKey: ['resource', id], queryFn: () => api.get<TResource>(`/api/resources/${id}`), enabled: !!id, retry: false });

export const useRelated = (id: string | undefined) =>
  useQuery({
    queryKey: ['resource-related', id],
    queryFn: () => api.get<TResourceSummary[]>(`/api/resources/${id}/related`),
    enabled: !!id,
  });

export const useComments = (id: string | undefined) =>
  useQuery({
    queryKey: ['resource-comments', id],
    queryFn: () => api.get<{ items: TComment[]; total: number; canModerate: boolean }>(`/api/resources/${id}/comments`),
    enabled: !!id,
  });

export const useUsage = (id: string | undefined, enabled: boolean) =>
  useQuery({
    queryKey: ['resource-usage', id],
    queryFn: () =>
      api.get<{
        totals: { downloads: number; views: number; favourites: number; ratings: number };
        daily: { day: string; downloads: number; views: number }[];
        bySchool: { schoolName: string; downloads: number }[];
      }>(`/api/resources/${id}/usage`),
    enabled: !!id && enabled,
  });

export const useReviewQueue = (page: number) =>
  useQuery({
    queryKey: ['resource-reviews', page],
    queryFn: () => api.get<Paged<TResourceSummary & { isFlagged: boolean }>>('/api/resource-reviews', { page, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });

export const useReviewDetail = (id: string | undefined) =>
  useQuery({
    queryKey: ['resource-review', id],
    queryFn: () => api.get<TReviewDetail>(`/api/resources/${id}/review`),
    enabled: !!id,
    retry: false,
  });

export const usePushQueue = (status: string | undefined, page: number) =>
  useQuery({
    queryKey: ['push-queue', status, page],
    queryFn: () =>
      api.get<Paged<TPushItem> & { counts: Record<string, number> }>('/api/resource-push-queue', { status, page, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });

export const useStatsScopes = () =>
  useQuery({
    queryKey: ['resource-stats-scopes'],
    queryFn: () => api.get<{ id: string; name: string; kind: string }[]>('/api/resource-stats/scopes'),
  });

export const useStats = (unitId: string | undefined, days: number) =>
  useQuery({
    queryKey: ['resource-stats', unitId, days],
    queryFn: () => api.get<TResourceStats>('/api/resource-stats', { unitId, days }),
    placeholderData: keepPreviousData,
  });

export type CollectionFilter = { kind?: string; subject?: string; gradeLevel?: number; community?: string; mine?: boolean };

export const useCollections = (q: CollectionFilter) =>
  useQuery({
    queryKey: ['resource-collections', q],
    queryFn: () => api.get<TCollection[]>('/api/resource-collections', { ...q, mine: q.mine ? 'true' : undefined }),
    placeholderData: keepPreviousData,
  });

export const useCollection = (id: string | undefined) =>
  useQuery({
    queryKey: ['resource-collection', id],
    queryFn: () => api.get<TCollectionDetail>(`/api/resource-collections/${id}`),
    enabled: !!id,
    retry: false,
  });

/** Published resources the user may see whose title matches, for adding to a collection. */
export const useResourcePicker = (q: string) =>
  useQuery({
    queryKey: ['resources', 'picker', q],
    queryFn: () => api.get<Paged<TResourceSummary>>('/api/resources', { q: q || undefined, pageSize: 20 }),
    placeholderData: keepPreviousData,
  });

export const useSaveCollection = () =>
  useResourceMutation(({ id, input }: { id?: string; input: Partial<TCollectionInput> }) =>
    id
      ? api.patch<TCollectionDetail>(`/api/resource-collections/${id}`, input)
      : api.post<TCollectionDetail>('/api/resource-collections', input),
  );
export const useDeleteCollection = () => useResourceMutation((id: string) => api.delete(`/api/resource-collections/${id}`));
export const useAddCollectionItem = () =>
  useResourceMutation(({ id, resourceId, note }: { id: string; resourceId: string; note?: string }) =>
    api.post<TCollectionDetail>(`/api/resource-collections/${id}/items`, { resourceId, note }),
  );
export const useRemoveCollectionItem = () =>
  useResourceMutation(({ id, resourceId }: { id: string; resourceId: string }) =>
    api.delete<TCollectionDetail>(`/api/resource-collections/${id}/items/${resourceId}`),
  );
export const useReorderCollection = () =>
  useResourceMutation(({ id, resourceIds }: { id: string; resourceIds: string[] }) =>
    api.put<TCollectionDetail>(`/api/resource-collections/${id}/order`, { resourceIds }),
  );

/** A mutation that refreshes everything about resources when it succeeds. */
function useResourceMutation<A, R>(fn: (a: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await qc.invalidateQueries({
        predicate: (q) => typeof q.queryKey[0] === 'string' && /^(resource|my-resources|push-queue)/.test(q.queryKey[0]),
      });
    },
  });
}

export const useSaveResource = () =>
  useResourceMutation(({ id, input }: { id?: string; input: Partial<TResourceInput> }) =>
    id ? api.patch<TResource>(`/api/resources/${id}`, input) : api.post<TResource>('/api/resources', input),
  );
export const useSubmitResource = () => useResourceMutation((id: string) => api.post<TResource>(`/api/resources/${id}/submit`));
export const useWithdrawResource = () =>
  useResourceMutation(({ id, reason }: { id: string; reason: string }) => api.post<TResource>(`/api/resources/${id}/withdraw`, { reason }));
export const useDeleteResource = () => useResourceMutation((id: string) => api.delete(`/api/resources/${id}`));
export const useApprove = () =>
  useResourceMutation(({ id, comment }: { id: string; comment: string }) =>
    api.post<TResource>(`/api/resources/${id}/approve`, { comment }),
  );
export const useReturn = () =>
  useResourceMutation(({ id, reason }: { id: string; reason: string }) => api.post<TResource>(`/api/resources/${id}/return`, { reason }));
export const useFavourite = () =>
  useResourceMutation(({ id, on }: { id: string; on: boolean }) =>
    on
      ? api.put<{ isFavourite: boolean }>(`/api/resources/${id}/favourite`, {})
      : api.delete<{ isFavourite: boolean }>(`/api/resources/${id}/favourite`),
  );
export const useRate = () =>
  useResourceMutation(({ id, stars }: { id: string; stars: number }) => api.put(`/api/resources/${id}/rating`, { stars }));
export const useAddComment = () =>
  useResourceMutation(({ id, body }: { id: string; body: string }) => api.post<TComment>(`/api/resources/${id}/comments`, { body }));
export const useDeleteComment = () => useResourceMutation((id: string) => api.delete(`/api/resource-comments/${id}`));
export const usePublishComment = () => useResourceMutation((id: string) => api.post<TComment>(`/api/resource-comments/${id}/publish`));
export const usePush = () =>
  useResourceMutation(({ id, on }: { id: string; on: boolean }) =>
    on ? api.post<TPushItem>(`/api/resources/${id}/push`) : api.delete<TPushItem>(`/api/resources/${id}/push`),
  );
export const useSetMarks = () =>
  useResourceMutation(({ id, marks }: { id: string; marks: string[] }) => api.put<TResource>(`/api/resources/${id}/marks`, { marks }));

// ---------------------------------------------------------------------------------------------
// chunked, resumable upload

const RESUME_KEY = 'qiming.resource-uploads';
/** Where an unfinished upload of the same file (name, size, last change) can continue. */
const fileKey = (f: File) => `${f.name}|${f.size}|${f.lastModified}`;
function savedUploads(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(RESUME_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}
function remember(f: File, id: string | null) {
  const all = savedUploads();
  if (id) all[fileKey(f)] = id;
  else delete all[fileKey(f)];
  try {
    localStorage.setItem(RESUME_KEY, JSON.stringify(all));
  } catch {
    // storage unavailable: the upload still works, it just cannot resume after a reload
  }
}

export type UploadProgress = { sent: number; total: number; resumedFrom: number };

/**
 * Sends a file in chunks of the size the server names, resuming where the server says it stands
 * — after a dropped connection, a pause, or a reload of the page (the upload id is kept per file).
 * Stops between chunks when `signal` is aborted. Returns the completed upload.
 */
export async function uploadInChunks(file: File, onProgress: (p: UploadProgress) => void, signal?: AbortSignal): Promise<TUpload> {
  let upload: TUpload | null = null;
  const previous = savedUploads()[fileKey(file)];
  if (previous) {
    try {
      upload = await api.get<TUpload>(`/api/resource-uploads/${previous}`);
      if (upload.size !== file.size) upload = null;
    } catch {
      upload = null;
    }
  }
  upload ??= await api.post<TUpload>('/api/resource-uploads', {
    fileName: file.name,
    size: file.size,
    mime: file.type || 'application/octet-stream',
  });
  remember(file, upload.id);
  const resumedFrom = upload.status === 'complete' ? file.size : upload.received;
  let offset = resumedFrom;
  onProgress({ sent: offset, total: file.size, resumedFrom });
  while (upload.status !== 'complete' && offset < file.size) {
    if (signal?.aborted) throw new DOMException('paused', 'AbortError');
    const chunk = file.slice(offset, Math.min(file.size, offset + upload.chunkSize));
    try {
      const res = await fetch(`/api/resource-uploads/${upload.id}/chunks?offset=${offset}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream', 'X-Requested-With': 'qiming', Accept: 'application/json' },
        body: chunk,
        credentials: 'same-origin',
        signal,
      });
      const body = (await res.json()) as TUpload & { error?: { code: string; message: string; details?: { received?: number } } };
      if (res.status === 409 && body.error?.code === 'UPLOAD_OFFSET_MISMATCH' && typeof body.error.details?.received === 'number') {
        offset = body.error.details.received;
        continue;
      }
      if (!res.ok)
        throw new AppError((body.error?.code ?? 'INTERNAL') as never, body.error?.message ?? '', res.status, body.error?.details);
      upload = body;
      offset = body.received;
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      if (e instanceof AppError) throw e;
      // a dropped connection: ask the server where it stands, then go on from there
      await new Promise((r) => setTimeout(r, 1000));
      upload = await api.get<TUpload>(`/api/resource-uploads/${upload.id}`);
      offset = upload.received;
    }
    onProgress({ sent: offset, total: file.size, resumedFrom });
  }
  const done = upload.status === 'complete' ? upload : await api.post<TUpload>(`/api/resource-uploads/${upload.id}/complete`);
  remember(file, null);
  return done;
}

/** Starts a download through the browser (the server counts it). */
export const downloadUrl = (id: string) => `/api/resources/${id}/download`;
export const previewUrl = (id: string) => `/api/resources/${id}/file`;
export { request };
