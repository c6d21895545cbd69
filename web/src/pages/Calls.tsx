// Call records (通话记录): search by number or by a word said in the call (its stored
// transcript), and read a call's transcript.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Drawer, Empty, Input, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { CallRecord, TranscriptSegment } from '../api/types';
import { api, unwrap } from '../core/api';
import { clock } from '../core/transcript';
import { useShowError } from '../errors';

function TranscriptDrawer({ call, onClose }: { call: CallRecord | null; onClose: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [segments, setSegments] = useState<TranscriptSegment[] | null>(null);
  useEffect(() => {
    if (!call) return;
    let live = true;
    setSegments(null);
    api
      .GET('/api/v1/calls/{id}/transcript', { params: { path: { id: call.id } } })
      .then((r) => live && setSegments(unwrap(r)))
      .catch((e: unknown) => {
        if (live) setSegments([]);
        showError(e);
      });
    return () => {
      live = false;
    };
  }, [call, showError]);
  return (
    <Drawer open={!!call} onClose={onClose} size="large" title={call ? t('calls.transcriptOf', { caller: call.caller }) : ''} data-testid="call-transcript">
      {segments === null ? (
        <Spin />
      ) : segments.length === 0 ? (
        <Empty description={t('calls.noTranscript')} />
      ) : (
        segments.map((s) => (
          <div key={`${s.speaker}-${s.start_ms}-${s.end_ms}`} style={{ padding: '4px 0' }} data-testid="call-transcript-entry">
            <Tag color={s.speaker === 'agent' ? 'blue' : 'green'}>{t(`transcript.speaker.${s.speaker}`)}</Tag>
            <Typography.Text type="secondary" style={{ marginRight: 8 }}>
              {clock(s.start_ms)}–{clock(s.end_ms)}
            </Typography.Text>
            <Typography.Text>{s.text}</Typography.Text>
          </div>
        ))
      )}
    </Drawer>
  );
}

export default function CallsPage() {
  const { t, i18n } = useTranslation();
  const showError = useShowError();
  const [q, setQ] = useState('');
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<{ items: CallRecord[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<CallRecord | null>(null);

  const load = useCallback(async () => {
    const query = { page, page_size: pageSize, ...(q ? { q } : {}), ...(keyword ? { keyword } : {}) };
    return unwrap(await api.GET('/api/v1/calls', { params: { query } }));
  }, [q, keyword, page, pageSize]);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((r) => live && setData(r), showError)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [load, showError]);

  const time = (ms: number | null | undefined) => (ms == null ? '—' : new Date(ms).toLocaleString(i18n.language));
  const columns: ColumnsType<CallRecord> = [
    { title: t('calls.startedAt'), key: 'started_at', render: (_, r) => time(r.started_at) },
    { title: t('calls.direction'), key: 'direction', render: (_, r) => t(`calls.directions.${r.direction}`) },
    { title: t('calls.caller'), dataIndex: 'caller', key: 'caller' },
    { title: t('calls.callee'), dataIndex: 'callee', key: 'callee' },
    { title: t('calls.talkSeconds'), dataIndex: 'talk_seconds', key: 'talk_seconds' },
    { title: t('calls.result'), key: 'result', render: (_, r) => t(`calls.results.${r.result}`) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, r) => (
        <a onClick={() => setOpen(r)} data-testid={`transcript-${r.id}`}>
          {t('calls.transcript')}
        </a>
      ),
    },
  ];

  return (
    <Card
      title={t('calls.title')}
      data-testid="calls"
      extra={
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('calls.searchNumber')}
            onSearch={(v) => {
              setPage(1);
              setQ(v.trim());
            }}
            data-testid="calls-search"
          />
          <Input.Search
            allowClear
            placeholder={t('calls.searchKeyword')}
            maxLength={100}
            onSearch={(v) => {
              setPage(1);
              setKeyword(v.trim());
            }}
            data-testid="calls-keyword"
          />
          {keyword && (
            <Button size="small" onClick={() => setKeyword('')}>
              {t('calls.clearKeyword', { keyword })}
            </Button>
          )}
        </Space>
      }
    >
      <Table<CallRecord>
        rowKey="id"
        loading={loading}
        dataSource={data.items}
        columns={columns}
        data-testid="calls-table"
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
      <TranscriptDrawer call={open} onClose={() => setOpen(null)} />
    </Card>
  );
}
