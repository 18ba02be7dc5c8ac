import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { Providers } from './app/providers.tsx';
import { createQueryClient, setAuthFailureHandler } from './app/query-client.ts';
import { loginPath } from './app/require-auth.tsx';
import { isPublicPath, routes } from './app/router.tsx';
import './app/global.css';

const queryClient = createQueryClient();
const router = createBrowserRouter(routes);

// Any request that finds the session gone, or a password change due, leaves the page it was on.
setAuthFailureHandler((failure, source) => {
  const { pathname, search } = router.state.location;
  if (pathname === '/login') return;
  // a page open to visitors keeps showing, in the public frame, what a visitor may read
  if (failure.kind === 'login' && source === 'query' && isPublicPath(pathname)) {
    // a session that has just ended: asking for the user again turns the frame into the public one
    if (queryClient.getQueryState(['me'])?.status === 'success') void queryClient.invalidateQueries({ queryKey: ['me'] });
    return;
  }
  if (failure.kind === 'login') {
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    void router.navigate(loginPath(pathname + search, failure.expired), { replace: true });
  } else if (pathname !== '/change-password') {
    void router.navigate('/change-password', { replace: true });
  }
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers client={queryClient}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);
