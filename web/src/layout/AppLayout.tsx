import { useState, type ReactNode } from 'react';
import { Dropdown, Layout, Menu, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth';
import { LANGUAGE_KEY } from '../i18n';
import ChangePassword from '../components/ChangePassword';
import { storage } from '../storage';

export function LanguageSwitch() {
  const { i18n, t } = useTranslation();
  return (
    <Select
      aria-label={t('app.language')}
      data-testid="language"
      size="small"
      value={i18n.language}
      style={{ width: 100 }}
      onChange={(lng: string) => {
        storage.set(LANGUAGE_KEY, lng);
        void i18n.changeLanguage(lng);
      }}
      options={[
        { value: 'zh-CN', label: '简体中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}

export default function AppLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [pwOpen, setPwOpen] = useState(false);
  const isAdmin = me?.permissions.includes('manage_users');
  const isNumbersAdmin = me?.permissions.includes('manage_numbers');
  const isMonitor = me?.permissions.includes('monitor');
  const canSeeCalls = me?.permissions.includes('view_call_records');
  const canSeeCustomers = me?.permissions.includes('answer_dial') || isAdmin;
  const isCampaignAdmin = me?.permissions.includes('manage_campaigns');
  const canSeeCampaigns = me?.permissions.includes('agent_login') || isCampaignAdmin;
  const items = [
    { key: '/agent', label: t('nav.agent') },
    ...(canSeeCalls ? [{ key: '/calls', label: <span data-testid="nav-calls">{t('nav.calls')}</span> }] : []),
    ...(canSeeCustomers
      ? [
          { key: '/customers', label: <span data-testid="nav-customers">{t('nav.customers')}</span> },
          { key: '/callbacks', label: <span data-testid="nav-callbacks">{t('nav.callbacks')}</span> },
        ]
      : []),
    ...(canSeeCampaigns ? [{ key: '/campaigns', label: <span data-testid="nav-campaigns">{t('nav.campaigns')}</span> }] : []),
    ...(isAdmin || isNumbersAdmin || isMonitor || isCampaignAdmin
      ? [
          {
            key: 'admin',
            label: t('nav.admin'),
            type: 'group' as const,
            children: [
              ...(isMonitor ? [{ key: '/admin/monitor', label: t('nav.monitor') }] : []),
              ...(isCampaignAdmin ? [{ key: '/admin/campaigns', label: <span data-testid="nav-campaign-admin">{t('nav.campaignAdmin')}</span> }] : []),
              ...(isAdmin
                ? [
                    { key: '/admin/users', label: t('nav.users') },
                    { key: '/admin/roles', label: t('nav.roles') },
                    { key: '/admin/skill-groups', label: t('nav.skillGroups') },
                    { key: '/admin/statuses', label: t('nav.statuses') },
                    { key: '/admin/settings', label: t('nav.settings') },
                  ]
                : []),
              ...(isNumbersAdmin
                ? [
                    { key: '/admin/trunks', label: t('nav.trunks') },
                    { key: '/admin/numbers', label: t('nav.numbers') },
                    { key: '/admin/prompts', label: t('nav.prompts') },
                  ]
                : []),
            ],
          },
        ]
      : []),
  ];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider theme="light" width={200}>
        <Typography.Title level={5} style={{ padding: '16px 16px 0' }}>
          {t('app.name')}
        </Typography.Title>
        <Menu mode="inline" selectedKeys={[location.pathname.startsWith('/customers/') ? '/customers' : location.pathname]} items={items} onClick={(e) => navigate(e.key)} />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space size="large">
            <LanguageSwitch />
            <Dropdown
              menu={{
                items: [
                  { key: 'pw', label: t('user.changePassword') },
                  { key: 'logout', label: <span data-testid="logout">{t('user.logout')}</span> },
                ],
                onClick: (e) => {
                  if (e.key === 'pw') setPwOpen(true);
                  if (e.key === 'logout') void logout().then(() => navigate('/login'));
                },
              }}
            >
              <a data-testid="user-menu" onClick={(e) => e.preventDefault()}>
                {me?.name} ({me?.work_id})
              </a>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 16 }}>{children}</Layout.Content>
      </Layout>
      <ChangePassword open={pwOpen} onClose={() => setPwOpen(false)} />
    </Layout>
  );
}
