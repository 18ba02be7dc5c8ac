import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { TCollection, TCollectionDetail, TComment, TResource, TResourceSummary } from '@qiming/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PublicOrSignedIn } from '../../../app/public-layout.tsx';
import { isPublicPath } from '../../../app/router.tsx';
import { apiError, failOnDeprecations, mockApi, renderRoutes, type MockCall } from '../../../test/render.tsx';
import { CollectionPage } from './collection-page.tsx';
import { CollectionsPage } from './collections-page.tsx';
import { ResourceCentrePage } from './resource-centre-page.tsx';
import { ResourcePage } from './resource-page.tsx';

const teacher = {
  id: 'u1',
  username: 't11005',
  displayName: '刘桂芝',
  mustChangePassword: false,
  mfaRequired: false,
  mfaEnabled: false,
  mfaEnrollmentRequired: false,
  activeRole: 'teacher',
  roles: ['teacher'],
  grants: [],
  permissions: ['resource.contribute'],
  sessionIdleMinutes: 30,
};
const noSession = apiError(401, 'UNAUTHENTICATED', '请先登录');

const summary = (o: Partial<TResourceSummary> = {}): TResourceSummary => ({
  id: 'r1',
  type: 'courseware',
  title: '分数的初步认识 课件',
  subject: '数学',
  gradeLevel: 3,
  term: 'first',
  edition: 'pep',
  authorName: '王老师',
  schoolName: '市南区实验小学',
  level: 'school',
  marks: [],
  audience: 'public',
  status: 'published',
  currentReviewLevel: null,
  downloadCount: 3,
  ratingAverage: 4.5,
  ratingCount: 2,
  publishedAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  unitTitle: '分数的初步认识',
  fileName: '分数.pdf',
  ...o,
});

const resource = (o: Partial<TResource> = {}): TResource => ({
  ...summary(),
  description: '认识几分之一。',
  unit: null,
  knowledgePoints: [],
  keywords: [],
  ownerId: 'owner',
  schoolId: 's1',
  districtName: '市南区',
  licence: 'platform',
  reviewLevels: ['school'],
  returnReason: null,
  file: { name: '分数.pdf', size: 2048, mime: 'application/pdf', hash: 'h', preview: 'pdf' },
  viewCount: 5,
  favouriteCount: 0,
  commentCount: 1,
  createdAt: '2026-11-01T00:00:00.000Z',
  push: null,
  me: null,
  policies: { canEdit: false, canSubmit: false, canWithdraw: false, canDelete: false, canReview: false, canPush: false, canMark: false },
  ...o,
});

const comment: TComment = {
  id: 'c1',
  authorName: '李老师',
  authorSchool: '湛山小学',
  body: '例题选得好',
  status: 'published',
  hits: [],
  createdAt: '2026-11-02T00:00:00.000Z',
  canDelete: false,
  canPublish: false,
};

const collection = (o: Partial<TCollectionDetail> = {}): TCollectionDetail => ({
  id: 'k1',
  kind: 'directory',
  title: '三年级数学 分数 资源目录',
  description: '第八单元全套资源',
  subject: '数学',
  gradeLevel: 3,
  community: '市南区小学数学共同体',
  audience: 'public',
  ownerName: '冯琳',
  schoolName: '市南区实验小学',
  itemCount: 2,
  updatedAt: '2026-11-29T00:00:00.000Z',
  canEdit: false,
  items: [
    { ...summary({ id: 'r1', title: '几分之一 课件' }), note: '第一课时' },
    { ...summary({ id: 'r2', title: '几分之几 教案', type: 'lesson_plan' }), note: '' },
  ],
  ...o,
});

/** The public pages inside the frame that picks the public or signed-in layout, as the app's router has them. */
const renderPublic = (at: string) =>
  renderRoutes(
    [
      { path: '/login', element: <p>login page</p> },
      {
        element: <PublicOrSignedIn />,
        children: [
          { path: '/resources', element: <ResourceCentrePage /> },
          { path: '/resources/collections', element: <CollectionsPage /> },
          { path: '/resources/collections/:id', element: <CollectionPage /> },
          { path: '/resources/:id', element: <ResourcePage /> },
        ],
      },
    ],
    { at },
  );

const centreApi = {
  'GET /api/curriculum/books': { body: [] },
  'GET /api/resources/catalogue-counts': { body: { total: 1, units: [] } },
  'GET /api/resources': { body: { items: [summary()], total: 1, page: 1, pageSize: 12 } },
};
const detailApi = {
  'GET /api/resources/r1': { body: resource() },
  'GET /api/resources/r1/related': { body: [] },
  'GET /api/resources/r1/comments': { body: { items: [comment], total: 1, canModerate: false } },
};
const paths = (calls: MockCall[]) => calls.map((c) => `${c.method} ${c.url.split('?')[0]}`);

failOnDeprecations();
afterEach(() => vi.unstubAllGlobals());

describe('public pages', () => {
  it('are the resource centre, its resources, 资源目录 and search; the rest needs a session', () => {
    for (const p of ['/resources', '/resources/r1', '/resources/collections', '/resources/collections/k1', '/search'])
      expect(isPublicPath(p), p).toBe(true);
    for (const p of ['/', '/resources/upload', '/resources/mine', '/resources/review', '/resources/r1/edit', '/users'])
      expect(isPublicPath(p), p).toBe(false);
  });
});

describe('a visitor without a session', () => {
  it('browses the resource centre in the public frame and is offered sign-in, not upload', async () => {
    const calls = mockApi({ 'GET /api/me': noSession, ...centreApi });
    renderPublic('/resources?subject=数学');
    expect(await screen.findByTestId('public-layout')).toBeTruthy();
    expect(await screen.findByText('分数的初步认识 课件')).toBeTruthy();
    expect(screen.getByTestId('res-visitor-hint').textContent).toContain('访客');
    const signIn = screen.getByTestId('public-sign-in').closest('a')!;
    expect(signIn.getAttribute('href')).toBe(`/login?next=${encodeURIComponent('/resources?subject=数学')}`);
    expect(screen.queryByTestId('res-upload-button')).toBeNull();
    expect(paths(calls)).not.toContain('GET /api/resources/for-me');
  });

  it('opens a public resource: preview and download, and sign-in links to favourite, rate and comment', async () => {
    const calls = mockApi({ 'GET /api/me': noSession, ...detailApi });
    renderPublic('/resources/r1');
    expect((await screen.findByTestId('resource-title')).textContent).toBe('分数的初步认识 课件');
    expect(screen.getByTestId('preview-pdf').getAttribute('src')).toBe('/api/resources/r1/file');
    expect(screen.getByTestId('res-download').getAttribute('href')).toBe('/api/resources/r1/download');
    const next = `/login?next=${encodeURIComponent('/resources/r1')}`;
    expect(screen.getByTestId('res-favourite-sign-in').closest('a')!.getAttribute('href')).toBe(next);
    expect(screen.getByTestId('rate-sign-in').getAttribute('href')).toBe(next);
    expect((await screen.findByTestId('comment-sign-in')).getAttribute('href')).toBe(next);
    expect(await screen.findByText('例题选得好')).toBeTruthy();
    expect(screen.queryByTestId('comment-input')).toBeNull();
    expect(screen.queryByTestId('res-favourite')).toBeNull();
    expect(paths(calls).filter((p) => !p.startsWith('GET'))).toEqual([]);
  });

  it('is told what 资源目录 holds for the public, and what to do when there are none', async () => {
    mockApi({ 'GET /api/me': noSession, 'GET /api/resource-collections': { body: [] } });
    renderPublic('/resources/collections');
    expect((await screen.findByTestId('collections-empty')).textContent).toContain('先到资源中心按课程目录浏览');
    expect(screen.queryByTestId('collection-new')).toBeNull();
    expect(screen.queryByTestId('collection-mine')).toBeNull();
  });
});

describe('a signed-in teacher', () => {
  it('gets the favourite button and the comment box instead of sign-in links', async () => {
    mockApi({
      'GET /api/me': { body: teacher },
      ...detailApi,
      'GET /api/resources/r1': { body: resource({ me: { isFavourite: false, rating: null } }) },
    });
    renderPublic('/resources/r1');
    expect(await screen.findByTestId('res-favourite')).toBeTruthy();
    expect(await screen.findByTestId('comment-input')).toBeTruthy();
    expect(screen.queryByTestId('public-layout')).toBeNull();
    expect(screen.queryByTestId('res-favourite-sign-in')).toBeNull();
    expect(screen.queryByTestId('comment-sign-in')).toBeNull();
  });

  it('lists collections with their filters in the address and makes a new one', async () => {
    const list: TCollection[] = [collection()];
    const calls = mockApi({
      'GET /api/me': { body: teacher },
      'GET /api/resource-collections': { body: list },
      'POST /api/resource-collections': (call) => ({
        status: 201,
        body: collection({ id: 'k2', kind: 'collection', title: (call.body as { title: string }).title, items: [], canEdit: true }),
      }),
      'GET /api/resource-collections/k2': {
        body: collection({ id: 'k2', kind: 'collection', title: '我的分数专题', items: [], canEdit: true }),
      },
    });
    const { router } = renderPublic('/resources/collections');
    const card = await screen.findByTestId('collection-card');
    expect(card.getAttribute('href')).toBe('/resources/collections/k1');
    expect(card.textContent).toContain('市南区小学数学共同体');
    expect(card.textContent).toContain('2 个资源');

    fireEvent.click(screen.getByText('专题合集', { selector: '.ant-segmented-item-label' }));
    await waitFor(() => expect(router.state.location.search).toBe('?kind=collection'));
    await waitFor(() => expect(calls.some((c) => c.url.includes('/api/resource-collections?kind=collection'))).toBe(true));

    fireEvent.click(screen.getByTestId('collection-new'));
    // a teacher makes 专题合集; 资源目录 are the school's and bureau's
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('资源目录', { selector: 'input' })).toHaveProperty('disabled', true);
    fireEvent.change(within(dialog).getByTestId('collection-title'), { target: { value: '分' } });
    fireEvent.click(within(dialog).getByTestId('collection-save'));
    expect(await within(dialog).findByText('名称至少 2 个字')).toBeTruthy();
    fireEvent.change(within(dialog).getByTestId('collection-title'), { target: { value: '我的分数专题' } });
    fireEvent.click(within(dialog).getByTestId('collection-save'));
    await waitFor(() => expect(router.state.location.pathname).toBe('/resources/collections/k2'));
    const created = calls.find((c) => c.method === 'POST')!;
    expect(created.body).toMatchObject({ kind: 'collection', title: '我的分数专题', audience: 'school', subject: null, gradeLevel: null });
    expect((await screen.findByTestId('collection-items-empty')).textContent).toContain('在上方输入标题查找已发布的资源');
  });

  it('reorders and removes the items of a collection they edit', async () => {
    const calls = mockApi({
      'GET /api/me': { body: teacher },
      'GET /api/resource-collections/k1': { body: collection({ canEdit: true }) },
      'GET /api/resources': { body: { items: [summary({ id: 'r3', title: '分数的大小比较' })], total: 1, page: 1, pageSize: 20 } },
      'PUT /api/resource-collections/k1/order': { body: collection({ canEdit: true }) },
      'DELETE /api/resource-collections/k1/items/r2': { body: collection({ canEdit: true }) },
    });
    renderPublic('/resources/collections/k1');
    const rows = await screen.findAllByTestId('collection-item');
    expect(rows.map((r) => r.textContent)).toEqual([expect.stringContaining('第一课时'), expect.stringContaining('几分之几 教案')]);
    expect(within(rows[0]!).getByTestId('collection-item-up')).toHaveProperty('disabled', true);
    fireEvent.click(within(rows[0]!).getByTestId('collection-item-down'));
    await waitFor(() => expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ resourceIds: ['r2', 'r1'] }));

    fireEvent.click(within(rows[1]!).getByTestId('collection-item-remove'));
    fireEvent.click(await screen.findByRole('button', { name: /确\s*定|OK/ }));
    await waitFor(() => expect(paths(calls)).toContain('DELETE /api/resource-collections/k1/items/r2'));
  });

  it('cannot edit a collection that is not theirs: no editing controls, and an empty one says so', async () => {
    mockApi({ 'GET /api/me': { body: teacher }, 'GET /api/resource-collections/k1': { body: collection({ items: [], itemCount: 0 }) } });
    renderPublic('/resources/collections/k1');
    expect((await screen.findByTestId('collection-items-empty')).textContent).toBe('这个目录里还没有您能查看的资源。');
    expect(screen.queryByTestId('collection-add')).toBeNull();
    expect(screen.queryByTestId('collection-edit')).toBeNull();
  });
});
