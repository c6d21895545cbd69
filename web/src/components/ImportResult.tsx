// What an import (customers, a campaign's customer list) shows while it runs and when it is
// done: the progress bar, the summary with the error report to download, and the refused rows.
import { Alert, Button, Progress, Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';

export interface ImportResultProps<E extends object> {
  /** Shown while importing and after. */
  visible: boolean;
  /** 0 to 100. */
  progress: number;
  /** The summary once the import is done; nothing more is shown before. */
  summary?: string;
  /** The refused rows. */
  errors: E[];
  columns: ColumnsType<E>;
  rowKey: (e: E) => string;
  /** Where the error report downloads from, and the label of its button. */
  errorReport?: { href: string; label: string; fileName?: string };
}

export default function ImportResult<E extends object>({ visible, progress, summary, errors, columns, rowKey, errorReport }: ImportResultProps<E>) {
  if (!visible) return null;
  return (
    <>
      <Progress percent={progress} data-testid="import-progress" />
      {summary !== undefined && (
        <>
          <Alert
            style={{ margin: '12px 0' }}
            type={errors.length ? 'warning' : 'success'}
            data-testid="import-result"
            title={summary}
            action={
              errors.length && errorReport ? (
                <Button size="small" href={errorReport.href} download={errorReport.fileName ?? true} data-testid="import-errors">
                  {errorReport.label}
                </Button>
              ) : undefined
            }
          />
          {errors.length > 0 && <Table size="small" rowKey={rowKey} dataSource={errors} pagination={{ pageSize: 10 }} columns={columns} data-testid="import-error-rows" />}
        </>
      )}
    </>
  );
}
