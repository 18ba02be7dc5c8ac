import { ROLE_PERMISSIONS, type Permission } from '@qiming/shared';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../test/render.tsx';
import { activeNavKey, NAV_ITEMS, NavMenu, navItemsFor } from './nav.tsx';

const shownKeys = () => NAV_ITEMS.map((i) => i.key).filter((key) => screen.queryByTestId(`nav-${key}`) !== null);

const renderNav = (permissions: readonly Permission[], at = '/') => renderPage(<NavMenu permissions={permissions} />, { at });

describe('NavMenu', () => {
  it('shows a teacher the personal space, organisation, schools and homework', () => {
    renderNav(ROLE_PERMISSIONS.teacher);
    expect(shownKeys()).toEqual([
      'home',
      'org',
      'schools',
      'homework',
      'my-homework',
      'resources',
      'resource-collections',
      'my-resources',
      'items',
      'papers',
    ]);
    expect(screen.getByTestId('nav-home').textContent).toBe('个人空间');
    expect(screen.getByTestId('nav-schools').getAttribute('href')).toBe('/schools');
  });

  it('keeps the three administrators apart (三员分立)', () => {
    renderNav(ROLE_PERMISSIONS.sec_admin);
    expect(shownKeys()).toEqual(['home', 'grants', 'security']);
    renderNav(ROLE_PERMISSIONS.audit_admin);
    expect(screen.getAllByTestId('nav-audit')).toHaveLength(1);
  });

  it('gives a school administrator the roster, user and application pages but not grants, policy or audit', () => {
    renderNav(ROLE_PERMISSIONS.school_admin);
    expect(shownKeys()).toEqual([
      'home',
      'org',
      'schools',
      'assessments',
      'roster',
      'users',
      'apps',
      'resources',
      'resource-collections',
      'my-resources',
      'resource-review',
      'resource-push',
      'resource-stats',
      'items',
      'papers',
    ]);
  });

  it('gives a researcher the resource centre with review and statistics, but not the push queue', () => {
    renderNav(ROLE_PERMISSIONS.researcher);
    expect(shownKeys()).toEqual(
      expect.arrayContaining(['resources', 'resource-collections', 'my-resources', 'resource-review', 'resource-stats']),
    );
    expect(shownKeys()).not.toContain('resource-push');
  });

  it("shows parents their children's homework", () => {
    renderNav(ROLE_PERMISSIONS.parent);
    expect(shownKeys()).toEqual(['home', 'children-homework']);
  });

  it('shows pupils their own homework and 错题本', () => {
    renderNav(ROLE_PERMISSIONS.student);
    expect(shownKeys()).toEqual(['home', 'my-homework', 'wrong-items']);
  });

  it('highlights the entry of the page being shown', () => {
    const { container } = renderNav(ROLE_PERMISSIONS.school_admin, '/roster');
    const selected = container.querySelector('.ant-menu-item-selected [data-testid]');
    expect(selected?.getAttribute('data-testid')).toBe('nav-roster');
  });
});

describe('navItemsFor / activeNavKey', () => {
  it('lists an entry when any one of its permissions is held', () => {
    expect(navItemsFor(['roster.read']).map((i) => i.key)).toEqual(['home', 'schools']);
    expect(navItemsFor(['class.manage']).map((i) => i.key)).toEqual(['home', 'schools']);
    expect(navItemsFor([]).map((i) => i.key)).toEqual(['home']);
  });

  it('lists the upstream account links only on an instance that has an upstream, for account administrators', () => {
    expect(navItemsFor(['user.manage']).map((i) => i.key)).toEqual(['home', 'users']);
    expect(navItemsFor(['user.manage'], { upstream: true }).map((i) => i.key)).toEqual(['home', 'users', 'upstream-links']);
    expect(navItemsFor(['org.read'], { upstream: true }).map((i) => i.key)).toEqual(['home', 'org']);
  });

  it('files class and student pages under 学校/班级 when that entry is shown', () => {
    const items = navItemsFor(ROLE_PERMISSIONS.school_admin);
    expect(activeNavKey('/classes/x', items)).toBe('schools');
    expect(activeNavKey('/schools/y', items)).toBe('schools');
    expect(activeNavKey('/students/z', navItemsFor(ROLE_PERMISSIONS.parent))).toBe('home');
    expect(activeNavKey('/', items)).toBe('home');
  });
});
