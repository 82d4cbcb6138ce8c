/** Roles an admin grants, with the domains they take. */
export const staffRoles = ['project_lead', 'reviewer', 'committee', 'finance', 'admin'] as const;

/** Domains offered for a reviewer; "*" for the other roles. */
export const reviewerDomains = ['dir:DIESS', 'dir:DA', 'dir:DPAS', 'dir:DTCM'] as const;

/** The domain a role is granted in by default. */
export function defaultDomain(role: string): string {
  return role === 'reviewer' ? 'dir:DIESS' : '*';
}
