import { Badge, Card, Descriptions, Empty, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth';

export default function AgentPage() {
  const { t } = useTranslation();
  const { me, connection } = useAuth();
  if (!me) return null;
  const badge = connection === 'open' ? 'success' : connection === 'connecting' ? 'processing' : 'error';
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle" data-testid="agent-workspace">
      <Card title={t('agent.profile')}>
        <Descriptions column={2}>
          <Descriptions.Item label={t('users.name')}>{me.name}</Descriptions.Item>
          <Descriptions.Item label={t('users.workId')}>
            <span data-testid="agent-work-id">{me.work_id}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('users.role')}>{me.role_name}</Descriptions.Item>
          <Descriptions.Item label={t('agent.enterprise')}>{me.enterprise_name}</Descriptions.Item>
          <Descriptions.Item label={t('agent.connection')}>
            <Badge status={badge} text={t(`agent.${connection}`)} data-testid="events-state" />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('agent.groups')}>
        {me.skill_groups.length === 0 ? (
          <Empty description={t('agent.noGroups')} />
        ) : (
          <Space wrap data-testid="agent-groups">
            {me.skill_groups.map((g) => (
              <Tag key={g.id} color="blue">
                {g.name} · {t('groups.skillLevel')} {g.skill_level}
              </Tag>
            ))}
          </Space>
        )}
      </Card>
    </Space>
  );
}
