import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider, type RouterProviderProps } from 'react-router';
import { AuthProvider } from './auth/AuthContext';

/** Providers around the router; tests pass a memory router and a fresh client. */
export function App({
  router,
  queryClient,
}: {
  router: RouterProviderProps['router'];
  queryClient: QueryClient;
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </QueryClientProvider>
  );
}
