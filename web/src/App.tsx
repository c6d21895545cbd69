import { lazy, Suspense } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { Route, Routes } from 'react-router-dom';

// Three bundles: the public call widget, the signed-in workspace, the platform console.
const WidgetPage = lazy(() => import('./pages/Widget'));
const Workspace = lazy(() => import('./Workspace'));
const PlatformPage = lazy(() => import('./pages/Platform'));

export default function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f6feb' } }}>
      <AntApp>
        <Suspense fallback={<Spin style={{ display: 'block', marginTop: 120 }} size="large" />}>
          <Routes>
            {/* The web call widget is public: no sign-in, no events socket. */}
            <Route path="/widget" element={<WidgetPage />} />
            {/* The platform administrator's console: its own sign-in, outside every enterprise. */}
            <Route path="/platform" element={<PlatformPage />} />
            <Route path="/*" element={<Workspace />} />
          </Routes>
        </Suspense>
      </AntApp>
    </ConfigProvider>
  );
}
