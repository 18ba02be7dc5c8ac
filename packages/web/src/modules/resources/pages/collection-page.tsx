import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, EditOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import type { TCollectionDetail } from '@qiming/shared';
import { App, Button, Card, Empty, Input, Popconfirm, Select, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { LoadError, PageTitle, RowList } from '../../../app/ui.tsx';
import { errorMessage } from '../../../lib/api.ts';
import { useT } from '../../../lib/i18n.ts';
import { formatDate, gradeName } from '../../../lib/labels.ts';
import { useDebounced } from '../../search/search.api.ts';
import { CollectionFormModal } from '../components/collection-form-modal.tsx';
import { audienceName, kindName, termName, TYPE_COLOURS, typeName } from '../labels.ts';
import {
  useAddCollectionItem,
  useCollection,
  useDeleteCollection,
  useRemoveCollectionItem,
  useReorderCollection,
  useResourcePicker,
} from '../resources.api.ts';

/** Finds a published resource the editor may see, by title, and adds it with an optional note. */
function AddItem({ c }: { c: TCollectionDetail }) {
  const t = useT();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<string | undefined>();
  const [note, setNote] = useState('');
  const found = useResourcePicker(useDebounced(q.trim(), 250));
  const add = useAddCollectionItem();
  const inList = new Set(c.items.map((i) => i.id));
  const options = (found.data?.items ?? [])
    .filter((r) => !inList.has(r.id))
    .map((r) => ({
      value: r.id,
      label: `${typeName(t, r.type)} · ${r.title}`,
    }));
  return (
    <Card size="small" title={t('res_coll_add')} data-testid="collection-add">
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
        <Select
          showSearch={{ filterOption: false, onSearch: setQ }}
          value={picked}
          onChange={setPicked}
          placeholder={t('res_coll_add_placeholder')}
          options={options}
          loading={found.isFetching}
          notFoundContent={found.isFetching ? null : t('res_coll_add_none')}
          style={{ flex: '2 1 260px', minWidth: 0 }}
          data-testid="collection-add-select"
        />
        <Input
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={200}
          placeholder={t('res_coll_note_placeholder')}
          style={{ flex: '1 1 180px' }}
        />
        <Button
          type="primary"
          icon={<PlusOutlined />}
          disabled={!picked}
          loading={add.isPending}
          data-testid="collection-add-submit"
          onClick={() =>
            picked &&
            add.mutate(
              { id: c.id, resourceId: picked, note },
              {
                onSuccess: () => {
                  setPicked(undefined);
                  setNote('');
                  void message.success(t('res_coll_added'));
                },
                onError: (e) => void message.error(errorMessage(e)),
              },
            )
          }
        >
          {t('res_coll_add_submit')}
        </Button>
      </div>
    </Card>
  );
}

/** One 资源目录 or 专题合集: its resources in order; its editors add, remove and reorder them. */
export function CollectionPage() {
  const t = useT();
  const { id } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const coll = useCollection(id);
  const remove = useRemoveCollectionItem();
  const reorder = useReorderCollection();
  const del = useDeleteCollection();
  const [editing, setEditing] = useState(false);
  if (coll.error) return <LoadError error={coll.error} onRetry={() => void coll.refetch()} />;
  if (!coll.data) return <Skeleton active />;
  const c = coll.data;
  const fail = (e: unknown) => void message.error(errorMessage(e));
  const move = (from: number, to: number) => {
    const ids = c.items.map((i) => i.id);
    const [moved] = ids.splice(from, 1);
    ids.splice(to, 0, moved!);
    reorder.mutate({ id: c.id, resourceIds: ids }, { onError: fail });
  };

  return (
    <div data-testid="collection-page">
      <PageTitle
        back
        title={<span data-testid="collection-title">{c.title}</span>}
        subtitle={
          <Space size={4} wrap>
            <Tag color={c.kind === 'directory' ? 'blue' : 'green'}>{kindName(t, c.kind)}</Tag>
            {c.subject && <Tag>{c.subject}</Tag>}
            {c.gradeLevel && <Tag>{gradeName(t, c.gradeLevel)}</Tag>}
            {c.community && (
              <Tag icon={<TeamOutlined />} color="purple">
                {c.community}
              </Tag>
            )}
            <Tag>{audienceName(t, c.audience)}</Tag>
            <span>
              {c.schoolName} · {c.ownerName} · {formatDate(c.updatedAt)}
            </span>
          </Space>
        }
        extra={
          c.canEdit && (
            <>
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="collection-edit">
                {t('res_edit')}
              </Button>
              <Popconfirm
                title={t('res_coll_delete_confirm')}
                onConfirm={() =>
                  del.mutateAsync(c.id).then(
                    () => void navigate('/resources/collections', { replace: true }),
                    (e: unknown) => fail(e),
                  )
                }
              >
                <Button danger icon={<DeleteOutlined />}>
                  {t('res_delete')}
                </Button>
              </Popconfirm>
            </>
          )
        }
      />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {c.description && (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} type="secondary">
            {c.description}
          </Typography.Paragraph>
        )}
        {c.canEdit && <AddItem c={c} />}
        <Card size="small" title={t('res_collection_items', { n: c.items.length })} data-testid="collection-items">
          {c.items.length === 0 ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                <span data-testid="collection-items-empty">{c.canEdit ? t('res_coll_items_empty_editor') : t('res_coll_items_empty')}</span>
              }
            >
              {!c.canEdit && (
                <Link to="/resources">
                  <Button>{t('nav_resources')}</Button>
                </Link>
              )}
            </Empty>
          ) : (
            <RowList
              items={c.items}
              rowKey={(r) => r.id}
              render={(r) => {
                const at = c.items.indexOf(r);
                return (
                  <div data-testid="collection-item" style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'flex-start' }}>
                    <Typography.Text type="secondary" style={{ width: 20, flex: 'none', paddingTop: 2 }}>
                      {at + 1}
                    </Typography.Text>
                    {/* on a phone the editor's buttons wrap under the resource */}
                    <div style={{ flex: '1 1 240px', minWidth: 0 }}>
                      <Space size={4} wrap>
                        <Tag color={TYPE_COLOURS[r.type]}>{typeName(t, r.type)}</Tag>
                        <Link to={`/resources/${r.id}`} style={{ fontWeight: 500 }}>
                          {r.title}
                        </Link>
                      </Space>
                      <div>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {r.subject} · {gradeName(t, r.gradeLevel)}
                          {termName(t, r.term)}
                          {r.unitTitle ? ` · ${r.unitTitle}` : ''} · {r.schoolName} · {r.authorName}
                        </Typography.Text>
                      </div>
                      {r.note && <Typography.Text style={{ fontSize: 13 }}>{r.note}</Typography.Text>}
                    </div>
                    {c.canEdit && (
                      <Space size={0} style={{ flex: 'none', marginInlineStart: 'auto' }}>
                        <Tooltip title={t('res_coll_move_up')}>
                          <Button
                            type="text"
                            size="small"
                            icon={<ArrowUpOutlined />}
                            aria-label={t('res_coll_move_up')}
                            disabled={at === 0 || reorder.isPending}
                            onClick={() => move(at, at - 1)}
                            data-testid="collection-item-up"
                          />
                        </Tooltip>
                        <Tooltip title={t('res_coll_move_down')}>
                          <Button
                            type="text"
                            size="small"
                            icon={<ArrowDownOutlined />}
                            aria-label={t('res_coll_move_down')}
                            disabled={at === c.items.length - 1 || reorder.isPending}
                            onClick={() => move(at, at + 1)}
                            data-testid="collection-item-down"
                          />
                        </Tooltip>
                        <Popconfirm
                          title={t('res_coll_remove_confirm')}
                          onConfirm={() => remove.mutateAsync({ id: c.id, resourceId: r.id }).catch(fail)}
                        >
                          <Button type="text" size="small" danger aria-label={t('res_coll_remove')} data-testid="collection-item-remove">
                            {t('res_coll_remove')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    )}
                  </div>
                );
              }}
            />
          )}
        </Card>
      </Space>
      {editing && <CollectionFormModal collection={c} open onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />}
    </div>
  );
}
