// Customers (客户管理): search by name, company or number, filter by tag, "my customers" or
// all the user's data scope shows; add a customer; open a profile; import a CSV or Excel file
// (with its progress and the refused rows) and export the list as filtered.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Input, Modal, Radio, Space, Table, Tag, Typography, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { Customer, ImportReport } from '../api/types';
import { useAuth } from '../auth';
import { api, unwrap } from '../core/api';
import { formatCallTime } from '../core/callDetails';
import { customersExportUrl, importCustomers, importErrorsCsv } from '../core/customers';
import { progressPercent } from '../core/imports';
import { useShowError } from '../errors';
import CustomerForm from '../components/customers/CustomerForm';
import ImportResult from '../components/ImportResult';

/** The object URL of a customer import's error report while the report is shown. */
function useErrorReportUrl(report: ImportReport | null): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!report?.errors.length) {
      setUrl(undefined);
      return undefined;
    }
    const u = URL.createObjectURL(new Blob([importErrorsCsv(report)], { type: 'text/csv;charset=utf-8' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [report]);
  return url;
}

export default function CustomersPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const showError = useShowError();
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [mine, setMine] = useState(false);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Customer[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [adding, setAdding] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [importing, setImporting] = useState(false);
  const [progress, setProgress] = useState(0);
  const errorReportUrl = useErrorReportUrl(report);
  const { me, events } = useAuth();
  const canExport = !!me?.permissions.includes('export');
  useEffect(
    () =>
      events.subscribe((e) => {
        if (e.type === 'customer_import') setProgress(progressPercent(e.done, e.total));
      }),
    [events],
  );
  const importFile = async (file: File) => {
    setReport(null);
    setProgress(0);
    setImporting(true);
    try {
      setReport(await importCustomers(file));
      setProgress(100);
      await load();
    } catch (e) {
      showError(e);
    } finally {
      setImporting(false);
    }
  };
  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = unwrap(
        await api.GET('/api/v1/customers', { params: { query: { q: q || undefined, tag: tag || undefined, mine: mine || undefined, page, page_size: 20 } } }),
      );
      setData({ items: r.items, total: r.total });
    } catch (e) {
      showError(e);
    } finally {
      setLoading(false);
    }
  }, [q, tag, mine, page, showError]);
  useEffect(() => {
    void load();
  }, [load]);
  const columns: ColumnsType<Customer> = [
    {
      title: t('customers.name'),
      dataIndex: 'name',
      render: (_, c) => (
        <Link to={`/customers/${c.id}`} data-testid={`customer-row-${c.id}`}>
          {c.name}
        </Link>
      ),
    },
    { title: t('customers.numbers'), dataIndex: 'numbers', render: (n: string[]) => n.join(', ') },
    { title: t('customers.company'), dataIndex: 'company' },
    { title: t('customers.tags'), dataIndex: 'tags', render: (tags: string[]) => tags.map((x) => <Tag key={x}>{x}</Tag>) },
    { title: t('customers.owner'), dataIndex: 'owner_name', render: (o: string | null) => o ?? t('customers.nobody') },
    { title: t('customers.updated'), dataIndex: 'updated_at', render: (ms: number) => formatCallTime(ms) },
  ];
  return (
    <Card
      title={t('customers.title')}
      extra={
        <Space>
          <Upload
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            showUploadList={false}
            disabled={importing}
            beforeUpload={(f) => (void importFile(f), false)}
          >
            <Button loading={importing} title={t('customers.importHint')} data-testid="customer-import">
              {t('customers.import')}
            </Button>
          </Upload>
          {canExport && (
            <>
              <Button href={customersExportUrl({ q, tag, mine }, 'csv')} download data-testid="customer-export-csv">
                {t('customers.exportCsv')}
              </Button>
              <Button href={customersExportUrl({ q, tag, mine }, 'xlsx')} download data-testid="customer-export-xlsx">
                {t('customers.exportXlsx')}
              </Button>
            </>
          )}
          <Button type="primary" onClick={() => setAdding(true)} data-testid="customer-add">
            {t('customers.add')}
          </Button>
        </Space>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Radio.Group
          optionType="button"
          value={mine ? 'mine' : 'all'}
          onChange={(e) => {
            setMine(e.target.value === 'mine');
            setPage(1);
          }}
          options={[
            { value: 'all', label: t('customers.all') },
            { value: 'mine', label: t('customers.mine') },
          ]}
        />
        <Input.Search
          allowClear
          placeholder={t('customers.search')}
          style={{ width: 260 }}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          data-testid="customer-search"
        />
        <Input.Search
          allowClear
          placeholder={t('customers.tag')}
          style={{ width: 180 }}
          onSearch={(v) => {
            setTag(v.trim());
            setPage(1);
          }}
        />
      </Space>
      <Table
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data.items}
        data-testid="customers-table"
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
      />
      <Modal
        open={importing || report !== null}
        title={importing ? t('customers.importing') : t('customers.importDone')}
        footer={null}
        width={640}
        onCancel={() => setReport(null)}
        closable={!importing}
        mask={{ closable: !importing }}
        keyboard={!importing}
      >
        <div data-testid="import-report">
          <Typography.Paragraph type="secondary">{t('customers.importHint')}</Typography.Paragraph>
          <ImportResult
            visible
            progress={progress}
            summary={report ? t('customers.importSummary', { created: report.created, failed: report.errors.length }) : undefined}
            errors={report?.errors ?? []}
            rowKey={(e) => String(e.row)}
            errorReport={errorReportUrl ? { href: errorReportUrl, label: t('customers.errorReport'), fileName: 'customer-import-errors.csv' } : undefined}
            columns={[
              { title: t('customers.row'), dataIndex: 'row', width: 80 },
              { title: t('customers.reason'), dataIndex: 'message' },
            ]}
          />
        </div>
      </Modal>
      {adding && (
        <CustomerForm
          open={adding}
          onClose={() => setAdding(false)}
          onSaved={(c) => {
            setAdding(false);
            navigate(`/customers/${c.id}`);
          }}
        />
      )}
    </Card>
  );
}
