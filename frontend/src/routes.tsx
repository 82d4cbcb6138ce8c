import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import { Layout } from './components/Layout';
import { Loading } from './components/Loading';
import { RouteError } from './components/RouteError';

// Adding a page: create src/pages/<feature>/<Name>Page.tsx with a default export, add one line
// below, put its strings in src/i18n/fr.json and en.json. Each page is its own lazily loaded chunk.

type PageModule = { default: ComponentType };

/** Turns a page module import into a lazily loaded route component. */
function page(load: () => Promise<PageModule>): RouteObject['lazy'] {
  return async () => ({ Component: (await load()).default });
}

/** Application routes (paths are French: they are shown to users). */
export const pageRoutes: RouteObject[] = [
  { index: true, lazy: page(() => import('./pages/home/HomePage')) },
  { path: 'appels', lazy: page(() => import('./pages/calls/CallListPage')) },
  { path: 'appels/:id', lazy: page(() => import('./pages/calls/CallDetailPage')) },
  { path: '*', lazy: page(() => import('./pages/not-found/NotFoundPage')) },
];

/** The route tree: the layout, an error boundary inside it, then the pages. */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    errorElement: <RouteError standalone />,
    hydrateFallbackElement: <Loading />,
    children: [{ errorElement: <RouteError />, children: pageRoutes }],
  },
];
