export { RosterPanel } from './components/roster-panel.tsx';
