// The agent workspace (坐席工作台): the phone bar, dialing, missed calls and today's scheduled
// callbacks, the agent's profile.
import { useEffect } from 'react';
import { Badge, Card, Col, Descriptions, Empty, Row, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth';
import { usePhoneActions } from '../cti';
import { useShowError } from '../errors';
import DialBox from '../components/phonebar/DialBox';
import MissedCalls from '../components/phonebar/MissedCalls';
import PhoneBar from '../components/phonebar/PhoneBar';
import TodayCallbacks from '../components/phonebar/TodayCallbacks';

export default function AgentPage() {
  const { t } = useTranslation();
  const { me, connection } = useAuth();
  const { refresh } = usePhoneActions();
  const showError = useShowError();
  const isAgent = !!me?.permissions.includes('agent_login');
  const canDial = !!me?.permissions.includes('answer_dial');
  // Missed calls are not replayed on the socket: load everything on opening and on each reconnect.
  useEffect(() => {
    if (isAgent && connection === 'open') refresh().catch(showError);
  }, [isAgent, connection, refresh, showError]);
  if (!me) return null;
  const badge = connection === 'open' ? 'success' : connection === 'connecting' ? 'processing' : 'error';
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle" data-testid="agent-workspace">
      {isAgent && <PhoneBar />}
      {isAgent && (
        <Row gutter={[16, 16]}>
          {canDial && (
            <Col xs={24} lg={10}>
              <DialBox />
            </Col>
          )}
          <Col xs={24} lg={canDial ? 14 : 24}>
            <MissedCalls />
          </Col>
          {canDial && (
            <Col xs={24}>
              <TodayCallbacks />
            </Col>
          )}
        </Row>
      )}
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
