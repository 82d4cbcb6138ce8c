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
  { path: 'inscription', lazy: page(() => import('./pages/account/SignUpPage')) },
  { path: 'inscription/verifiez-vos-emails', lazy: page(() => import('./pages/account/CheckEmailPage')) },
  { path: 'verifier-email', lazy: page(() => import('./pages/account/VerifyEmailPage')) },
  { path: 'connexion', lazy: page(() => import('./pages/account/LoginPage')) },
  { path: 'mot-de-passe-oublie', lazy: page(() => import('./pages/account/ForgotPasswordPage')) },
  { path: 'reinitialiser-mot-de-passe', lazy: page(() => import('./pages/account/ResetPasswordPage')) },
  { path: 'debloquer-connexion', lazy: page(() => import('./pages/account/UnlockLoginPage')) },
  { path: 'compte', lazy: page(() => import('./pages/account/AccountPage')) },
  { path: 'organisations', lazy: page(() => import('./pages/organisations/MyOrganisationsPage')) },
  { path: 'organisations/nouvelle', lazy: page(() => import('./pages/organisations/OrganisationCreatePage')) },
  { path: 'organisations/:id', lazy: page(() => import('./pages/organisations/OrganisationPage')) },
  { path: 'invitations/accepter', lazy: page(() => import('./pages/organisations/AcceptInvitationPage')) },
  { path: 'admin/utilisateurs', lazy: page(() => import('./pages/admin/AdminUsersPage')) },
  { path: 'admin/utilisateurs/:id', lazy: page(() => import('./pages/admin/AdminUserPage')) },
  { path: 'admin/journal', lazy: page(() => import('./pages/admin/AuditPage')) },
  { path: 'evaluations', lazy: page(() => import('./pages/reviews/ReviewQueuePage')) },
  { path: 'evaluations/:id', lazy: page(() => import('./pages/reviews/ScoringPage')) },
  { path: 'evaluations/:id/comparaison', lazy: page(() => import('./pages/reviews/ComparisonPage')) },
  { path: 'gestion/appels/:id/affectations', lazy: page(() => import('./pages/reviews/RoutingPage')) },
  { path: 'gestion/appels/:id/classement', lazy: page(() => import('./pages/reviews/RankingPage')) },
  { path: 'gestion/appels/:id/comite', lazy: page(() => import('./pages/committee/SessionsPage')) },
  { path: 'comite/seances/:id', lazy: page(() => import('./pages/committee/BoardPage')) },
  { path: 'dossiers/:id/decision', lazy: page(() => import('./pages/committee/DecisionPage')) },
  { path: 'open-data/subventions', lazy: page(() => import('./pages/opendata/SubsidiesPage')) },
  { path: 'gestion/appels', lazy: page(() => import('./pages/calls-manage/StaffCallsPage')) },
  { path: 'gestion/appels/nouveau', lazy: page(() => import('./pages/calls-manage/CallEditorPage')) },
  { path: 'gestion/appels/:id', lazy: page(() => import('./pages/calls-manage/CallEditorPage')) },
  { path: 'dossiers', lazy: page(() => import('./pages/applications/MyApplicationsPage')) },
  { path: 'dossiers/:id', lazy: page(() => import('./pages/applications/ApplicationPage')) },
  { path: 'dossiers/:id/accuse-de-reception', lazy: page(() => import('./pages/applications/ReceiptPage')) },
  { path: 'admin/workflows', lazy: page(() => import('./pages/workflows/WorkflowsPage')) },
  { path: 'instruction', lazy: page(() => import('./pages/instruction/InstructionPage')) },
  { path: 'notifications', lazy: page(() => import('./pages/instruction/NotificationsPage')) },
  { path: 'experimentations', lazy: page(() => import('./pages/experiments/ExperimentListPage')) },
  { path: 'experimentations/:id', lazy: page(() => import('./pages/experiments/ExperimentPage')) },
  { path: 'preferences-notifications', lazy: page(() => import('./pages/experiments/NotificationPreferencesPage')) },
  { path: 'finances', lazy: page(() => import('./pages/finance/FinanceQueuePage')) },
  { path: 'tableau-de-bord', lazy: page(() => import('./pages/dashboards/DashboardPage')) },
  { path: 'admin/carte', lazy: page(() => import('./pages/dashboards/GeoUploadPage')) },
  { path: 'admin/files', lazy: page(() => import('./pages/admin/queues/QueuesPage')) },
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
