import { lazy, Suspense } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router-dom';

// Two bundles: the public call widget, and the signed-in workspace.
const WidgetPage = lazy(() => import('./pages/Widget'));
const Workspace = lazy(() => import('./Workspace'));

export default function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f6feb' } }}>
      <AntApp>
        <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} size="large" />}>
          <Routes>
            {/* The web call widget is public: no sign-in, no events socket. */}
            <Route path="/widget" element={<WidgetPage />} />
            <Route path="/*" element={<Workspace />} />
          </Routes>
        </Suspense>
      </AntApp>
    </ConfigProvider>
  );
}
