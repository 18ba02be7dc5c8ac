import { DisconnectOutlined } from '@ant-design/icons';
import type { TUpstreamLink } from '@qiming/shared';
import { Alert, App, Button, Card, Input, Popconfirm, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { EmptyHint, LoadError, PageTitle } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDateTime } from '../../../lib/labels.ts';
import { useUnlink, useUpstreamInfo, useUpstreamLinks } from '../upstream.api.ts';

/** 上级平台账号关联: which accounts in the administrator's scope sign in through the upstream, and unlinking. */
export function UpstreamLinksPage() {
  const t = useT();
  const { message } = App.useApp();
  const info = useUpstreamInfo();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const links = useUpstreamLinks({ q: q || undefined, page, pageSize });
  const unlink = useUnlink();

  return (
    <>
      <PageTitle title={t('upstream_links_title')} subtitle={t('upstream_links_subtitle')} />
      {info.data && !info.data.enabled && (
        <Alert
          type="info"
          showIcon
          title={t('upstream_not_configured')}
          style={{ marginBottom: 16 }}
          data-testid="upstream-not-configured"
        />
      )}
      {info.data?.enabled && (
        <Typography.Paragraph type="secondary" data-testid="upstream-name">
          {t('upstream_links_provider', { name: info.data.name ?? '' })}
        </Typography.Paragraph>
      )}
      <Card>
        <div className="qm-toolbar">
          <Input.Search
            allowClear
            placeholder={t('upstream_links_search')}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
            style={{ maxWidth: 280 }}
            data-testid="upstream-links-search"
          />
        </div>
        {links.isError ? (
          <LoadError error={links.error} onRetry={() => void links.refetch()} />
        ) : (
          <Table<TUpstreamLink>
            rowKey="id"
            size="middle"
            loading={links.isFetching}
            dataSource={links.data?.items}
            scroll={{ x: 860 }}
            locale={{ emptyText: <EmptyHint text={q ? t('no_match') : t('upstream_links_empty')} /> }}
            pagination={{
              current: page,
              pageSize,
              total: links.data?.total ?? 0,
              onChange: setPage,
              showSizeChanger: false,
              showTotal: (n) => t('total_count', { count: n }),
            }}
            onRow={() => ({ 'data-testid': 'upstream-link-row' }) as object}
            columns={[
              { title: t('username'), key: 'username', width: 140, fixed: 'left', render: (_: unknown, l) => l.user.username },
              {
                title: t('person_name'),
                key: 'name',
                width: 120,
                render: (_: unknown, l) => (
                  <>
                    {l.user.displayName} {!l.user.isActive && <Tag>{t('user_disabled')}</Tag>}
                  </>
                ),
              },
              { title: t('upstream_links_unit'), key: 'unit', width: 160, render: (_: unknown, l) => l.user.unitName ?? '—' },
              {
                title: t('upstream_links_how'),
                dataIndex: 'linkedBy',
                width: 150,
                render: (v: TUpstreamLink['linkedBy'], l) =>
                  v === 'provisioned' ? (
                    <Tag color="purple">{t('upstream_linked_provisioned')}</Tag>
                  ) : (
                    <Tag color="blue" title={l.claimValue ?? undefined}>
                      {t('upstream_linked_claim')}
                    </Tag>
                  ),
              },
              {
                title: t('upstream_links_subject'),
                dataIndex: 'subject',
                width: 160,
                render: (v: string) => (
                  <Typography.Text code ellipsis={{ tooltip: v }} style={{ maxWidth: 140 }}>
                    {v}
                  </Typography.Text>
                ),
              },
              { title: t('upstream_links_created'), dataIndex: 'createdAt', width: 150, render: (v: string) => formatDateTime(v) },
              {
                title: t('upstream_links_last_login'),
                dataIndex: 'lastLoginAt',
                width: 150,
                render: (v: string | null) => formatDateTime(v) || t('never'),
              },
              {
                title: t('actions'),
                key: 'actions',
                width: 110,
                render: (_: unknown, l) => (
                  <Popconfirm
                    title={t('upstream_unlink_confirm', { name: l.user.displayName })}
                    description={<div style={{ maxWidth: 280 }}>{t('upstream_unlink_body')}</div>}
                    okText={t('upstream_unlink')}
                    okButtonProps={{ danger: true }}
                    onConfirm={() =>
                      unlink.mutateAsync(l.id).then(
                        () => void message.success(t('upstream_unlink_done', { name: l.user.displayName })),
                        (e: unknown) => void message.error(errorMessage(e)),
                      )
                    }
                  >
                    <Button type="link" size="small" danger icon={<DisconnectOutlined />} data-testid="upstream-unlink">
                      {t('upstream_unlink')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
