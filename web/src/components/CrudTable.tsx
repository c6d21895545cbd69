// The admin console's list page: search box, server-side paging, create button, row actions
// (edit, delete with confirmation, extra actions). Each resource page supplies columns and a form.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { App as AntApp, Button, Card, Input, Popconfirm, Space, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { useShowError } from '../errors';

export interface PageResult<T> {
  items: T[];
  total: number;
}

export interface CrudTableProps<T extends { id: number }> {
  title: string;
  testId: string;
  fetchPage: (q: string, page: number, pageSize: number) => Promise<PageResult<T>>;
  columns: ColumnsType<T>;
  onCreate?: () => void;
  onEdit?: (row: T) => void;
  onDelete?: (row: T) => Promise<void>;
  canDelete?: (row: T) => boolean;
  extraActions?: (row: T, reload: () => void) => ReactNode;
  /** Bumped by the page after a create or edit so the table reloads. */
  version: number;
}

export default function CrudTable<T extends { id: number }>(p: CrudTableProps<T>) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<PageResult<T>>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const { fetchPage } = p;
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    setLoading(true);
    fetchPage(q, page, pageSize)
      .then((r) => live && setData(r), showError)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [fetchPage, q, page, pageSize, tick, p.version, showError]);

  const actions: ColumnsType<T> = [
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, row) => (
        <Space>
          {p.onEdit && (
            <a onClick={() => p.onEdit?.(row)} data-testid={`edit-${row.id}`}>
              {t('common.edit')}
            </a>
          )}
          {p.extraActions?.(row, reload)}
          {p.onDelete && (p.canDelete?.(row) ?? true) && (
            <Popconfirm
              title={t('common.confirmDelete')}
              onConfirm={async () => {
                try {
                  await p.onDelete?.(row);
                  void message.success(t('common.deleted'));
                  reload();
                } catch (e) {
                  showError(e);
                }
              }}
            >
              <a style={{ color: '#cf1322' }} data-testid={`delete-${row.id}`}>
                {t('common.delete')}
              </a>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={p.title}
      extra={
        <Space>
          <Input.Search
            allowClear
            placeholder={t('common.search')}
            onSearch={(v) => {
              setPage(1);
              setQ(v);
            }}
            data-testid={`${p.testId}-search`}
          />
          {p.onCreate && (
            <Button type="primary" onClick={p.onCreate} data-testid={`${p.testId}-create`}>
              {t('common.create')}
            </Button>
          )}
        </Space>
      }
    >
      <Table<T>
        rowKey="id"
        loading={loading}
        dataSource={data.items}
        columns={[...p.columns, ...actions]}
        data-testid={`${p.testId}-table`}
        pagination={{
          current: page,
          pageSize,
          total: data.total,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (np, ns) => {
            setPage(np);
            setPageSize(ns);
          },
        }}
      />
    </Card>
  );
}
