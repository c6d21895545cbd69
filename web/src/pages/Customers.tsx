// Customers (客户管理): search by name, company or number, filter by tag, "my customers" or
// all the user's data scope shows; add a customer; open a profile.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Input, List, Modal, Radio, Space, Table, Tag, Upload } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { Customer, ImportReport } from '../api/types';
import { useAuth } from '../auth';
import { api, toFailure, unwrap } from '../core/api';
import { formatCallTime } from '../core/callDetails';
import { useShowError } from '../errors';
import CustomerForm from '../components/customers/CustomerForm';

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
  const { me } = useAuth();
  const canExport = !!me?.permissions.includes('export');
  const exportHref = `/api/v1/customers/export?${new URLSearchParams({ ...(q ? { q } : {}), ...(tag ? { tag } : {}), ...(mine ? { mine: 'true' } : {}) })}`;
  const importFile = async (file: File) => {
    try {
      const r = await fetch('/api/v1/customers/import', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'text/csv' },
        body: await file.text(),
      });
      const body: unknown = await r.json();
      if (!r.ok) throw toFailure(r.status, body);
      setReport(body as ImportReport);
      await load();
    } catch (e) {
      showError(e);
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
          <Upload accept=".csv,text/csv" showUploadList={false} beforeUpload={(f) => (void importFile(f), false)}>
            <Button data-testid="customer-import">{t('customers.import')}</Button>
          </Upload>
          {canExport && (
            <Button href={exportHref} download="customers.csv" data-testid="customer-export">
              {t('customers.export')}
            </Button>
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
      <Modal open={report !== null} title={t('customers.importDone')} footer={null} onCancel={() => setReport(null)}>
        {report && (
          <div data-testid="import-report">
            <Alert type={report.errors.length ? 'warning' : 'success'} title={t('customers.importSummary', { created: report.created, failed: report.errors.length })} />
            {report.errors.length > 0 && (
              <List
                size="small"
                dataSource={report.errors}
                renderItem={(e) => <List.Item key={e.row}>{t('customers.importRow', { row: e.row, message: e.message })}</List.Item>}
              />
            )}
          </div>
        )}
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
