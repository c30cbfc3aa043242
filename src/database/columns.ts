import { Column, CreateDateColumn, UpdateDateColumn } from 'typeorm';
import type { ColumnOptions } from 'typeorm';

/** Money: integer minor units (cents) as bigint; never a float (STYLE.md, Money). */
export const MoneyColumn = (name: string, options: ColumnOptions = {}): PropertyDecorator =>
  Column({ name, type: 'bigint', default: 0, ...options });

/** ISO-4217 currency code. */
export const CurrencyColumn = (name = 'currency', options: ColumnOptions = {}): PropertyDecorator =>
  Column({ name, type: 'char', length: 3, ...options });

/** A calendar date, read and written as 'YYYY-MM-DD' (no time zone games). */
export const DateOnlyColumn = (name: string, options: ColumnOptions = {}): PropertyDecorator =>
  Column({ name, type: 'date', ...options });

export const CreatedAtColumn = (): PropertyDecorator =>
  CreateDateColumn({ name: 'created_at', type: 'timestamptz' });

export const UpdatedAtColumn = (): PropertyDecorator =>
  UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' });
