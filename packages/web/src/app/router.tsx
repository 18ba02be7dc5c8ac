import { Button, Result } from 'antd';
import { lazy, Suspense, type ComponentType } from 'react';
import { Link, matchRoutes, useRouteError, type RouteObject } from 'react-router';
import { useT } from '../lib/i18n.ts';
import { PageFallback } from './layout.tsx';
import { PublicOrSignedIn } from './public-layout.tsx';
import { RequireAuth } from './require-auth.tsx';

/** React.lazy for a named export, so each page becomes its own chunk. */
function page<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M) {
  const Component = lazy(async () => ({ default: (await load())[name] as ComponentType }));
  return (
    <Suspense fallback={<PageFallback />}>
      <Component />
    </Suspense>
  );
}

export function NotFoundPage() {
  const t = useT();
  return (
    <Result
      status="404"
      title={t('not_found_title')}
      subTitle={t('not_found_body')}
      extra={
        <Link to="/">
          <Button type="primary">{t('back_home')}</Button>
        </Link>
      }
    />
  );
}

export function RouteError() {
  const error = useRouteError();
  const t = useT();
  // a new deployment replaced the chunk this page was built against: a reload fetches the new one
  const isStaleChunk = error instanceof TypeError && /dynamically imported module|Importing a module script failed/i.test(error.message);
  return (
    <Result
      status="error"
      title={isStaleChunk ? t('app_updated_title') : t('page_crashed_title')}
      subTitle={isStaleChunk ? t('app_updated_body') : t('page_crashed_body')}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t('reload')}
        </Button>
      }
    />
  );
}

const PUBLIC_ROUTE_ID = 'public';

/** Whether a path is one of the pages visitors may open without signing in. */
export const isPublicPath = (pathname: string): boolean => !!matchRoutes(routes, pathname)?.some((m) => m.route.id === PUBLIC_ROUTE_ID);

export const routes: RouteObject[] = [
  { path: '/login', element: page(() => import('../modules/identity/pages/login-page.tsx'), 'LoginPage'), errorElement: <RouteError /> },
  {
    path: '/change-password',
    element: page(() => import('../modules/identity/pages/change-password-page.tsx'), 'ChangePasswordPage'),
    errorElement: <RouteError />,
  },
  { path: '/sso/:uid', element: page(() => import('../modules/sso/pages/sso-page.tsx'), 'SsoPage'), errorElement: <RouteError /> },
  {
    path: '/mfa-setup',
    element: page(() => import('../modules/identity/pages/mfa-setup-page.tsx'), 'MfaSetupPage'),
    errorElement: <RouteError />,
  },
  {
    // open to visitors too (社会公众: published resources without signing in); everything else needs a session
    id: PUBLIC_ROUTE_ID,
    element: <PublicOrSignedIn />,
    errorElement: <RouteError />,
    children: [
      { path: 'search', element: page(() => import('../modules/search/pages/search-page.tsx'), 'SearchPage') },
      { path: 'resources', element: page(() => import('../modules/resources/pages/resource-centre-page.tsx'), 'ResourceCentrePage') },
      {
        path: 'resources/collections',
        element: page(() => import('../modules/resources/pages/collections-page.tsx'), 'CollectionsPage'),
      },
      {
        path: 'resources/collections/:id',
        element: page(() => import('../modules/resources/pages/collection-page.tsx'), 'CollectionPage'),
      },
      { path: 'resources/:id', element: page(() => import('../modules/resources/pages/resource-page.tsx'), 'ResourcePage') },
    ],
  },
  {
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: page(() => import('../modules/home/pages/home-page.tsx'), 'HomePage') },
      { path: 'org', element: page(() => import('../modules/org/pages/org-tree-page.tsx'), 'OrgTreePage') },
      { path: 'schools', element: page(() => import('../modules/org/pages/schools-page.tsx'), 'SchoolsPage') },
      { path: 'schools/:schoolId', element: page(() => import('../modules/org/pages/school-page.tsx'), 'SchoolPage') },
      { path: 'classes/:classId', element: page(() => import('../modules/org/pages/class-page.tsx'), 'ClassPage') },
      { path: 'students/:studentId', element: page(() => import('../modules/org/pages/student-page.tsx'), 'StudentPage') },
      { path: 'roster', element: page(() => import('../modules/roster/pages/roster-page.tsx'), 'RosterPage') },
      { path: 'users', element: page(() => import('../modules/users/pages/users-page.tsx'), 'UsersPage') },
      {
        path: 'upstream-links',
        element: page(() => import('../modules/upstream/pages/upstream-links-page.tsx'), 'UpstreamLinksPage'),
      },
      { path: 'grants', element: page(() => import('../modules/access/pages/grants-page.tsx'), 'GrantsPage') },
      { path: 'security', element: page(() => import('../modules/security/pages/security-policy-page.tsx'), 'SecurityPolicyPage') },
      {
        path: 'account/security',
        element: page(() => import('../modules/identity/pages/account-security-page.tsx'), 'AccountSecurityPage'),
      },
      { path: 'apps', element: page(() => import('../modules/apps/pages/apps-page.tsx'), 'AppsPage') },
      { path: 'items', element: page(() => import('../modules/items/pages/items-page.tsx'), 'ItemsPage') },
      { path: 'items/new', element: page(() => import('../modules/items/pages/item-editor-page.tsx'), 'ItemEditorPage') },
      { path: 'papers', element: page(() => import('../modules/items/pages/papers-page.tsx'), 'PapersPage') },
      { path: 'papers/new', element: page(() => import('../modules/items/pages/paper-builder-page.tsx'), 'PaperBuilderPage') },
      { path: 'papers/:id/edit', element: page(() => import('../modules/items/pages/paper-builder-page.tsx'), 'PaperBuilderPage') },
      { path: 'items/:id/edit', element: page(() => import('../modules/items/pages/item-editor-page.tsx'), 'ItemEditorPage') },
      { path: 'audit', element: page(() => import('../modules/audit/pages/audit-page.tsx'), 'AuditPage') },
      { path: 'resources/upload', element: page(() => import('../modules/resources/pages/upload-page.tsx'), 'UploadPage') },
      { path: 'resources/mine', element: page(() => import('../modules/resources/pages/my-resources-page.tsx'), 'MyResourcesPage') },
      { path: 'resources/review', element: page(() => import('../modules/resources/pages/review-queue-page.tsx'), 'ReviewQueuePage') },
      { path: 'resources/review/:id', element: page(() => import('../modules/resources/pages/review-page.tsx'), 'ReviewPage') },
      { path: 'resources/push', element: page(() => import('../modules/resources/pages/push-queue-page.tsx'), 'PushQueuePage') },
      { path: 'resources/stats', element: page(() => import('../modules/resources/pages/resource-stats-page.tsx'), 'ResourceStatsPage') },
      { path: 'resources/:id/edit', element: page(() => import('../modules/resources/pages/upload-page.tsx'), 'UploadPage') },
      { path: 'homework', element: page(() => import('../modules/homework/pages/assignments-page.tsx'), 'AssignmentsPage') },
      { path: 'homework/:id', element: page(() => import('../modules/homework/pages/analysis-page.tsx'), 'AnalysisPage') },
      { path: 'homework/:id/grading', element: page(() => import('../modules/homework/pages/grading-page.tsx'), 'GradingPage') },
      {
        path: 'homework/:id/pupils/:pupilId',
        element: page(() => import('../modules/homework/pages/pupil-report-page.tsx'), 'PupilReportPage'),
      },
      { path: 'my/homework', element: page(() => import('../modules/homework/pages/my-homework-page.tsx'), 'MyHomeworkPage') },
      { path: 'my/homework/:assignmentId', element: page(() => import('../modules/homework/pages/attempt-page.tsx'), 'AttemptPage') },
      { path: 'my/attempts/:attemptId', element: page(() => import('../modules/homework/pages/attempt-page.tsx'), 'AttemptResultPage') },
      { path: 'my/wrong-items', element: page(() => import('../modules/homework/pages/wrong-items-page.tsx'), 'WrongItemsPage') },
      { path: 'children/homework', element: page(() => import('../modules/homework/pages/my-homework-page.tsx'), 'ChildrenHomeworkPage') },
      {
        path: 'children/:childId/wrong-items',
        element: page(() => import('../modules/homework/pages/wrong-items-page.tsx'), 'WrongItemsPage'),
      },
      { path: 'assessments', element: page(() => import('../modules/homework/pages/assessments-page.tsx'), 'AssessmentsPage') },
      { path: 'assessments/:id', element: page(() => import('../modules/homework/pages/assessments-page.tsx'), 'AssessmentResultsPage') },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
