// Import a customer list (CSV or .xlsx) into a campaign: progress from the events socket, then
// the counts and the refused rows, with the error report to download.
import { useEffect, useState } from 'react';
import { Modal, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Campaign, CampaignImportReport } from '../../api/types';
import { useAuth } from '../../auth';
import { errorReportUrl, uploadCustomerList } from '../../core/campaigns';
import { progressPercent } from '../../core/imports';
import { useShowError } from '../../errors';
import ImportResult from '../ImportResult';

export default function ImportModal({ campaign, onClose }: { campaign: Campaign | null; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { events } = useAuth();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState(0);
  const [report, setReport] = useState<CampaignImportReport | null>(null);
  const id = campaign?.id;
  useEffect(() => {
    setReport(null);
    setProgress(0);
  }, [id]);
  useEffect(
    () =>
      events.subscribe((e) => {
        if (e.type === 'campaign_import' && e.campaign_id === id) setProgress(progressPercent(e.done, e.total));
      }),
    [events, id],
  );
  const upload = async (file: File) => {
    if (!campaign) return;
    setBusy(true);
    setProgress(0);
    try {
      setReport(await uploadCustomerList(campaign.id, file));
      setProgress(100);
    } catch (e) {
      showError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={!!campaign} title={`${t('campaigns.import')} · ${campaign?.name ?? ''}`} onCancel={() => onClose(!!report)} footer={null} width={640} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('campaigns.importHint')}</Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        showUploadList={false}
        disabled={busy}
        beforeUpload={(file) => {
          void upload(file);
          return false;
        }}
      >
        <p data-testid="import-drop">{busy ? t('campaigns.importing') : t('campaigns.import')}</p>
      </Upload.Dragger>
      <ImportResult
        visible={busy || !!report}
        progress={progress}
        summary={report ? t('campaigns.imported', { total: report.total_rows, imported: report.imported, failed: report.errors.length }) : undefined}
        errors={report?.errors ?? []}
        errorReport={report ? { href: errorReportUrl(report), label: t('campaigns.errorReport') } : undefined}
        rowKey={(r) => `${r.row}-${r.number}`}
        columns={[
          { title: '#', dataIndex: 'row', width: 70 },
          { title: t('campaigns.number'), dataIndex: 'number' },
          { title: t('campaigns.outcome'), dataIndex: 'reason', render: (r: string) => t(`campaigns.reasons.${r}`, { defaultValue: r }) },
        ]}
      />
    </Modal>
  );
}
