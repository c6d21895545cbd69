// The signed-in application (agent workspace and admin console): loaded apart from the public
// call widget, so a website visitor does not download it.
import { Spin } from 'antd';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth';
import { CtiProvider } from './cti';
import { SoftphoneProvider } from './softphone';
import AppLayout from './layout/AppLayout';
import LoginPage from './pages/Login';
import AgentPage from './pages/Agent';
import UsersPage from './pages/admin/Users';
import RolesPage from './pages/admin/Roles';
import SkillGroupsPage from './pages/admin/SkillGroups';
import StatusesPage from './pages/admin/Statuses';
import TrunksPage from './pages/admin/Trunks';
import NumbersPage from './pages/admin/Numbers';
import MonitorPage from './pages/admin/Monitor';
import PromptsPage from './pages/admin/Prompts';
import CallsPage from './pages/Calls';
import CustomersPage from './pages/Customers';
import CustomerProfilePage from './pages/CustomerProfile';
import CallbacksPage from './pages/Callbacks';
import SettingsPage from './pages/admin/Settings';
import CampaignsView from './pages/Campaigns';
import CampaignsAdminPage from './pages/admin/Campaigns';
import WallboardPage from './pages/Wallboard';

function Guarded() {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <Spin style={{ display: 'block', marginTop: 120 }} size="large" />;
  if (me === null) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  const isAdmin = me.permissions.includes('manage_users');
  const isNumbersAdmin = me.permissions.includes('manage_numbers');
  const isMonitor = me.permissions.includes('monitor');
  const canSeeCalls = me.permissions.includes('view_call_records');
  const canSeeCustomers = me.permissions.includes('answer_dial') || isAdmin;
  const isCampaignAdmin = me.permissions.includes('manage_campaigns');
  const canSeeCampaigns = me.permissions.includes('agent_login') || isCampaignAdmin;
  // The wallboard fills the screen: no menu, no phone bar.
  if (isMonitor && location.pathname === '/wallboard') return <WallboardPage />;
  return (
    <AppLayout>
      <Routes>
        <Route path="/agent" element={<AgentPage />} />
        {canSeeCalls && <Route path="/calls" element={<CallsPage />} />}
        {canSeeCustomers && <Route path="/customers" element={<CustomersPage />} />}
        {canSeeCustomers && <Route path="/customers/:id" element={<CustomerProfilePage />} />}
        {canSeeCustomers && <Route path="/callbacks" element={<CallbacksPage />} />}
        {canSeeCampaigns && <Route path="/campaigns" element={<CampaignsView />} />}
        {isCampaignAdmin && <Route path="/admin/campaigns" element={<CampaignsAdminPage />} />}
        {isAdmin && <Route path="/admin/users" element={<UsersPage />} />}
        {isAdmin && <Route path="/admin/roles" element={<RolesPage />} />}
        {isAdmin && <Route path="/admin/skill-groups" element={<SkillGroupsPage />} />}
        {isAdmin && <Route path="/admin/statuses" element={<StatusesPage />} />}
        {isAdmin && <Route path="/admin/settings" element={<SettingsPage />} />}
        {isNumbersAdmin && <Route path="/admin/trunks" element={<TrunksPage />} />}
        {isNumbersAdmin && <Route path="/admin/numbers" element={<NumbersPage />} />}
        {isNumbersAdmin && <Route path="/admin/prompts" element={<PromptsPage />} />}
        {isMonitor && <Route path="/admin/monitor" element={<MonitorPage />} />}
        <Route path="*" element={<Navigate to={isAdmin ? '/admin/users' : '/agent'} replace />} />
      </Routes>
    </AppLayout>
  );
}

export default function Workspace() {
  return (
    <AuthProvider>
      <CtiProvider>
        <SoftphoneProvider>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/*" element={<Guarded />} />
          </Routes>
        </SoftphoneProvider>
      </CtiProvider>
    </AuthProvider>
  );
}
