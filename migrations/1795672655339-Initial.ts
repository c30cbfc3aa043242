import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795672655339 implements MigrationInterface {
  name = 'Initial1795672655339';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // uuid_generate_v4() for primary keys, trigram indexes for "contains" text search; PGlite
    // loads the same two contrib extensions (DESIGN.md, embedded default).
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"');
    await queryRunner.query('CREATE EXTENSION IF NOT EXISTS "pg_trgm"');
    await queryRunner.query(
      'CREATE TABLE "organizations" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "name" text NOT NULL, "base_currency" character(3) NOT NULL, "time_zone" text NOT NULL DEFAULT \'UTC\', "aging_basis" text NOT NULL DEFAULT \'due_date\', "aging_bucket_edges" integer array NOT NULL DEFAULT \'{30,60,90}\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "email" text NOT NULL, "name" text NOT NULL, "password_hash" text NOT NULL, "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_users_email" ON "users"  ("email") ');
    await queryRunner.query(
      "CREATE TYPE \"public\".\"membership_role\" AS ENUM('admin', 'manager', 'collector', 'viewer')",
    );
    await queryRunner.query(
      'CREATE TABLE "memberships" ("org_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" "public"."membership_role" NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8a43e03ebb7e6f6486a1eab9392" PRIMARY KEY ("org_id", "user_id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_memberships_user" ON "memberships"  ("user_id") ');
    await queryRunner.query(
      "CREATE TYPE \"public\".\"activity_type\" AS ENUM('note', 'email_out', 'email_in', 'call', 'meeting', 'status_change', 'system')",
    );
    await queryRunner.query(
      'CREATE TABLE "activities" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid NOT NULL, "invoice_id" uuid, "type" "public"."activity_type" NOT NULL, "subject" text, "body" text NOT NULL, "author_user_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_2b8539ff421b7f975367a0c4018" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_activities_occurred" ON "activities"  ("org_id", "occurred_at", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_activities_invoice" ON "activities"  ("org_id", "invoice_id", "occurred_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_activities_customer" ON "activities"  ("org_id", "customer_id", "occurred_at") ',
    );
    await queryRunner.query("CREATE TYPE \"public\".\"audit_actor_type\" AS ENUM('user', 'admin', 'system')");
    await queryRunner.query(
      'CREATE TABLE "audit_log" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_type" "public"."audit_actor_type" NOT NULL, "actor_user_id" uuid, "client_id" text, "action" text NOT NULL, "target_type" text NOT NULL, "target_id" text, "reason" text, "details" jsonb NOT NULL DEFAULT \'{}\', CONSTRAINT "PK_fa57d69a24554a5f541871d22e7" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_audit_log_target" ON "audit_log"  ("org_id", "target_type", "target_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_audit_log_created" ON "audit_log"  ("org_id", "created_at", "id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "credit_applications" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "credit_memo_id" uuid NOT NULL, "invoice_id" uuid NOT NULL, "amount" bigint NOT NULL DEFAULT \'0\', "applied_on" date NOT NULL, CONSTRAINT "CHK_credit_applications_amount" CHECK (amount > 0), CONSTRAINT "PK_6d07c1bdc9a3b22a90d119c1345" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_credit_applications_applied_on" ON "credit_applications"  ("org_id", "applied_on") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_credit_applications_invoice" ON "credit_applications"  ("org_id", "invoice_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_credit_applications_credit_memo" ON "credit_applications"  ("org_id", "credit_memo_id") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"credit_memo_status\" AS ENUM('open', 'partially_applied', 'applied', 'void')",
    );
    await queryRunner.query(
      'CREATE TABLE "credit_memos" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid NOT NULL, "number" text NOT NULL, "issued_on" date NOT NULL, "currency" character(3) NOT NULL, "amount" bigint NOT NULL DEFAULT \'0\', "remaining_amount" bigint NOT NULL DEFAULT \'0\', "status" "public"."credit_memo_status" NOT NULL DEFAULT \'open\', "reason" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_credit_memos_amounts" CHECK (amount > 0 AND remaining_amount >= 0 AND remaining_amount <= amount), CONSTRAINT "PK_94f71c9bb892fcd367afe85a246" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_credit_memos_issued" ON "credit_memos"  ("org_id", "issued_on", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_credit_memos_customer" ON "credit_memos"  ("org_id", "customer_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_credit_memos_number" ON "credit_memos"  ("org_id", "number") ',
    );
    await queryRunner.query(
      'CREATE TABLE "exchange_rates" ("org_id" uuid NOT NULL, "from_currency" character(3) NOT NULL, "to_currency" character(3) NOT NULL, "rate_date" date NOT NULL, "rate" numeric(20,10) NOT NULL, CONSTRAINT "CHK_exchange_rates_rate" CHECK (rate > 0), CONSTRAINT "PK_4017b991180e451d7c842c553a8" PRIMARY KEY ("org_id", "from_currency", "to_currency", "rate_date"))',
    );
    await queryRunner.query(
      'CREATE TABLE "contacts" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid NOT NULL, "name" text NOT NULL, "email" text, "phone" text, "title" text, "is_primary" boolean NOT NULL DEFAULT false, "is_billing" boolean NOT NULL DEFAULT false, "opted_out" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e66dafdfe3e1ce1ad91bb9c04ed" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_contacts_customer" ON "contacts"  ("org_id", "customer_id") ');
    await queryRunner.query(
      "CREATE TYPE \"public\".\"customer_risk_level\" AS ENUM('low', 'medium', 'high')",
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"customer_status\" AS ENUM('active', 'on_hold', 'inactive')",
    );
    await queryRunner.query(
      'CREATE TABLE "customers" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" text NOT NULL, "external_id" text, "parent_id" uuid, "subsidiary_id" uuid, "currency" character(3) NOT NULL, "payment_terms_days" integer NOT NULL DEFAULT \'30\', "credit_limit" bigint, "risk_level" "public"."customer_risk_level" NOT NULL DEFAULT \'low\', "collector_user_id" uuid, "tags" text array NOT NULL DEFAULT \'{}\', "status" "public"."customer_status" NOT NULL DEFAULT \'active\', "dunning_paused_until" date, "dunning_pause_reason" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3ca6bc232f9de94c51a11125b0a" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_customers_parent" ON "customers"  ("org_id", "parent_id") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_customers_collector" ON "customers"  ("org_id", "collector_user_id") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_customers_name" ON "customers"  ("org_id", "name", "id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_customers_external_id" ON "customers"  ("org_id", "external_id") WHERE external_id IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "subsidiaries" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" text NOT NULL, "currency" character(3) NOT NULL, "external_id" text, CONSTRAINT "PK_953a1dc7f90ed9e8102cf77c3d4" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_subsidiaries_name" ON "subsidiaries"  ("org_id", "name") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"dispute_reason\" AS ENUM('pricing', 'quantity', 'damaged_goods', 'not_received', 'duplicate_billing', 'service_issue', 'other')",
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"dispute_status\" AS ENUM('open', 'in_review', 'resolved', 'rejected', 'withdrawn')",
    );
    await queryRunner.query(
      'CREATE TABLE "disputes" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid NOT NULL, "invoice_id" uuid NOT NULL, "amount" bigint NOT NULL DEFAULT \'0\', "currency" character(3) NOT NULL, "reason" "public"."dispute_reason" NOT NULL, "description" text, "status" "public"."dispute_status" NOT NULL DEFAULT \'open\', "owner_user_id" uuid, "opened_on" date NOT NULL, "resolved_on" date, "resolution" text, "credit_memo_id" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_522f973377c2f43916f5e8e37c0" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_disputes_opened" ON "disputes"  ("org_id", "opened_on", "id") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_disputes_customer" ON "disputes"  ("org_id", "customer_id") ');
    await queryRunner.query('CREATE INDEX "IDX_disputes_invoice" ON "disputes"  ("org_id", "invoice_id") ');
    await queryRunner.query(
      'CREATE TABLE "idempotency_keys" ("org_id" uuid NOT NULL, "key" text NOT NULL, "command" text NOT NULL, "request_hash" text NOT NULL, "response" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b82c9639429bd505548fc6da188" PRIMARY KEY ("org_id", "key"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_idempotency_keys_created" ON "idempotency_keys"  ("created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "invoice_lines" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "invoice_id" uuid NOT NULL, "position" integer NOT NULL, "description" text NOT NULL, "quantity" numeric(14,4) NOT NULL, "unit_price" bigint NOT NULL DEFAULT \'0\', "amount" bigint NOT NULL DEFAULT \'0\', CONSTRAINT "PK_0d44af318f15a2b62ac1f5ff4d1" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "UQ_invoice_lines_position" ON "invoice_lines"  ("org_id", "invoice_id", "position") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"invoice_status\" AS ENUM('open', 'partially_paid', 'paid', 'void', 'written_off')",
    );
    await queryRunner.query(
      'CREATE TABLE "invoices" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid NOT NULL, "subsidiary_id" uuid, "number" text NOT NULL, "po_number" text, "issue_date" date NOT NULL, "due_date" date NOT NULL, "terms_days" integer NOT NULL, "currency" character(3) NOT NULL, "total" bigint NOT NULL DEFAULT \'0\', "amount_paid" bigint NOT NULL DEFAULT \'0\', "amount_credited" bigint NOT NULL DEFAULT \'0\', "amount_written_off" bigint NOT NULL DEFAULT \'0\', "balance" bigint NOT NULL DEFAULT \'0\', "status" "public"."invoice_status" NOT NULL DEFAULT \'open\', "closed_on" date, "written_off_on" date, "tags" text array NOT NULL DEFAULT \'{}\', "memo" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_invoices_dates" CHECK (due_date >= issue_date), CONSTRAINT "CHK_invoices_amounts" CHECK (total >= 0 AND amount_paid >= 0 AND amount_credited >= 0 AND amount_written_off >= 0 AND balance >= 0), CONSTRAINT "CHK_invoices_balance" CHECK (balance = CASE WHEN status = \'void\' THEN 0 ELSE total - amount_paid - amount_credited - amount_written_off END), CONSTRAINT "PK_109dec208f7f84a3a0f98433b03" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_open_aging" ON "invoices"  ("org_id", "due_date", "id", "customer_id", "subsidiary_id", "currency", "issue_date", "balance", "status", "written_off_on", "amount_written_off") WHERE balance > 0',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_open_customer" ON "invoices"  ("org_id", "customer_id", "currency", "due_date", "balance") WHERE balance > 0',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_balance" ON "invoices"  ("org_id", "balance", "id") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_invoices_total" ON "invoices"  ("org_id", "total", "id") ');
    await queryRunner.query('CREATE INDEX "IDX_invoices_closed_on" ON "invoices"  ("org_id", "closed_on") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_issue" ON "invoices"  ("org_id", "issue_date", "id", "currency", "total", "status") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_invoices_due" ON "invoices"  ("org_id", "due_date", "id") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_customer_due" ON "invoices"  ("org_id", "customer_id", "due_date") ',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_invoices_number" ON "invoices"  ("org_id", "number") ');
    await queryRunner.query(
      'CREATE TABLE "payment_applications" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "payment_id" uuid NOT NULL, "invoice_id" uuid NOT NULL, "amount" bigint NOT NULL DEFAULT \'0\', "applied_on" date NOT NULL, "unapplied_on" date, "applied_by_user_id" uuid, CONSTRAINT "CHK_payment_applications_amount" CHECK (amount > 0), CONSTRAINT "PK_417ad2542a89f984847f8f242c9" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payment_applications_unapplied_on" ON "payment_applications"  ("org_id", "unapplied_on") WHERE unapplied_on IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payment_applications_applied_on" ON "payment_applications"  ("org_id", "applied_on") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payment_applications_invoice" ON "payment_applications"  ("org_id", "invoice_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payment_applications_payment" ON "payment_applications"  ("org_id", "payment_id") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"payment_method\" AS ENUM('ach', 'wire', 'check', 'card', 'other')",
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"payment_status\" AS ENUM('unapplied', 'partially_applied', 'applied', 'void')",
    );
    await queryRunner.query(
      'CREATE TABLE "payments" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid, "number" text NOT NULL, "received_on" date NOT NULL, "amount" bigint NOT NULL DEFAULT \'0\', "currency" character(3) NOT NULL, "method" "public"."payment_method" NOT NULL, "reference" text, "memo" text, "applied_amount" bigint NOT NULL DEFAULT \'0\', "unapplied_amount" bigint NOT NULL DEFAULT \'0\', "status" "public"."payment_status" NOT NULL DEFAULT \'unapplied\', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_payments_amounts" CHECK (amount > 0 AND applied_amount >= 0 AND unapplied_amount = amount - applied_amount AND unapplied_amount >= 0), CONSTRAINT "PK_f75060d83690c8d7ce99f347df1" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_unapplied" ON "payments"  ("org_id", "received_on", "id") WHERE unapplied_amount > 0',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_received" ON "payments"  ("org_id", "received_on", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_payments_customer_received" ON "payments"  ("org_id", "customer_id", "received_on") ',
    );
    await queryRunner.query(
      'CREATE TABLE "promise_invoices" ("org_id" uuid NOT NULL, "promise_id" uuid NOT NULL, "invoice_id" uuid NOT NULL, "amount" bigint NOT NULL DEFAULT \'0\', CONSTRAINT "PK_3e38a7a88707de5899195fb21f1" PRIMARY KEY ("org_id", "promise_id", "invoice_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_promise_invoices_invoice" ON "promise_invoices"  ("org_id", "invoice_id") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"promise_status\" AS ENUM('pending', 'kept', 'partially_kept', 'broken', 'cancelled')",
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"promise_source\" AS ENUM('call', 'email', 'portal', 'meeting', 'other')",
    );
    await queryRunner.query(
      'CREATE TABLE "promises_to_pay" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid NOT NULL, "contact_id" uuid, "amount" bigint NOT NULL DEFAULT \'0\', "currency" character(3) NOT NULL, "promised_on" date NOT NULL, "status" "public"."promise_status" NOT NULL DEFAULT \'pending\', "source" "public"."promise_source" NOT NULL DEFAULT \'call\', "note" text, "created_by_user_id" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_efaa32c03e3a057ade537e42312" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_promises_promised" ON "promises_to_pay"  ("org_id", "promised_on", "id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_promises_customer" ON "promises_to_pay"  ("org_id", "customer_id") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"task_type\" AS ENUM('call', 'email', 'follow_up', 'review', 'other')",
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"task_priority\" AS ENUM('low', 'normal', 'high', 'urgent')",
    );
    await queryRunner.query("CREATE TYPE \"public\".\"task_status\" AS ENUM('open', 'done', 'cancelled')");
    await queryRunner.query(
      'CREATE TABLE "tasks" ("org_id" uuid NOT NULL, "id" uuid NOT NULL DEFAULT uuid_generate_v4(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "customer_id" uuid, "invoice_id" uuid, "title" text NOT NULL, "description" text, "type" "public"."task_type" NOT NULL DEFAULT \'follow_up\', "priority" "public"."task_priority" NOT NULL DEFAULT \'normal\', "status" "public"."task_status" NOT NULL DEFAULT \'open\', "assignee_user_id" uuid, "due_on" date, "created_by_user_id" uuid, "completed_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a0b7b43c3b4f95558b7303c8e87" PRIMARY KEY ("org_id", "id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_tasks_due" ON "tasks"  ("org_id", "due_on", "id") ');
    await queryRunner.query('CREATE INDEX "IDX_tasks_customer" ON "tasks"  ("org_id", "customer_id") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_tasks_assignee" ON "tasks"  ("org_id", "assignee_user_id", "status", "due_on") ',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ADD CONSTRAINT "FK_8c6a511c72951c42e008f5537dc" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "memberships" ADD CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "activities" ADD CONSTRAINT "FK_fe2be05bdb185d5483a8fd22462" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "activities" ADD CONSTRAINT "FK_9cb6995c75aff73a9e32d7c283f" FOREIGN KEY ("org_id", "author_user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "activities" ADD CONSTRAINT "FK_84e091d138ddb7fd0767c717044" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "activities" ADD CONSTRAINT "FK_8966b7f2a5bd6e2f4bdd10f1b72" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "audit_log" ADD CONSTRAINT "FK_70430c5fa35687c06d2f626cf94" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "credit_applications" ADD CONSTRAINT "FK_b4ec39c191ffa77549551b484f5" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "credit_applications" ADD CONSTRAINT "FK_777f33b8662a1fe3ab81fbf025b" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "credit_applications" ADD CONSTRAINT "FK_c128e84e315a5f35dc90176525d" FOREIGN KEY ("org_id", "credit_memo_id") REFERENCES "credit_memos"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "credit_memos" ADD CONSTRAINT "FK_803b6517c443dd53f443a0f2dc2" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "credit_memos" ADD CONSTRAINT "FK_1d68e1b04d8fbab403ebdcb1756" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "exchange_rates" ADD CONSTRAINT "FK_6a64d2e0aaac0a6a48192e5fc25" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "contacts" ADD CONSTRAINT "FK_1d08650bc5dee86e125aa413a13" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "contacts" ADD CONSTRAINT "FK_53bafc898e361489745ae45c032" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "customers" ADD CONSTRAINT "FK_e1ea572bed0889441c72e572a76" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "customers" ADD CONSTRAINT "FK_80e0199c3b898001668b3c3575e" FOREIGN KEY ("org_id", "collector_user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "customers" ADD CONSTRAINT "FK_e560a8ac5ac84bc68c44ea5e5e8" FOREIGN KEY ("org_id", "subsidiary_id") REFERENCES "subsidiaries"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "customers" ADD CONSTRAINT "FK_2ae0ef7448294477e5498ee16a3" FOREIGN KEY ("org_id", "parent_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "subsidiaries" ADD CONSTRAINT "FK_debe19a34c622dafa76649d9a35" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "disputes" ADD CONSTRAINT "FK_2c1a7abff5f2afb0846584a6568" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "disputes" ADD CONSTRAINT "FK_037736673ac5790f7a567a362c6" FOREIGN KEY ("org_id", "credit_memo_id") REFERENCES "credit_memos"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "disputes" ADD CONSTRAINT "FK_8a61067ef274e1728f11a202007" FOREIGN KEY ("org_id", "owner_user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "disputes" ADD CONSTRAINT "FK_912f9003648246d7420ebb6ecc8" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "disputes" ADD CONSTRAINT "FK_d53a12c1d82a3f750861eb8add1" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "idempotency_keys" ADD CONSTRAINT "FK_1eaac38e984e753ad348af8d3f9" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invoice_lines" ADD CONSTRAINT "FK_932e69dc3ad16214fb873fdfd3a" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invoice_lines" ADD CONSTRAINT "FK_db8d280220c145589ff14bc82f5" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invoices" ADD CONSTRAINT "FK_824ca52f970e3ca5c8475ccee59" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invoices" ADD CONSTRAINT "FK_9806934a3cbed5977a73d215dad" FOREIGN KEY ("org_id", "subsidiary_id") REFERENCES "subsidiaries"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invoices" ADD CONSTRAINT "FK_8c3d472b1d609689cc3a51bbc0f" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "payment_applications" ADD CONSTRAINT "FK_6c431d9dbe83f71e893209cfaf3" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "payment_applications" ADD CONSTRAINT "FK_935886309e116b2d15e8cc0e221" FOREIGN KEY ("org_id", "applied_by_user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "payment_applications" ADD CONSTRAINT "FK_1189049bd392840f4cae370c163" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "payment_applications" ADD CONSTRAINT "FK_6ff96213f56ddbd3426aabecda0" FOREIGN KEY ("org_id", "payment_id") REFERENCES "payments"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "payments" ADD CONSTRAINT "FK_dc24a985c9c67d76554830da744" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "payments" ADD CONSTRAINT "FK_df64d7b1ebc888b1b4ab2f0a4df" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" ADD CONSTRAINT "FK_3da4e37c440b5dce20e678ec4fa" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" ADD CONSTRAINT "FK_a927fbcb721176c7f4b98ca38dc" FOREIGN KEY ("org_id", "promise_id") REFERENCES "promises_to_pay"("org_id","id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "promises_to_pay" ADD CONSTRAINT "FK_43414d94f0867e14f30c15a8e0b" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "promises_to_pay" ADD CONSTRAINT "FK_b7b872967a15adbc7647fe1246d" FOREIGN KEY ("org_id", "created_by_user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "promises_to_pay" ADD CONSTRAINT "FK_fecfc57f579830ceb9f152db6de" FOREIGN KEY ("org_id", "contact_id") REFERENCES "contacts"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "promises_to_pay" ADD CONSTRAINT "FK_9565f8c6dc13635b5913b3c5511" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "tasks" ADD CONSTRAINT "FK_6a7a4f687b74075698d59c172b5" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "tasks" ADD CONSTRAINT "FK_7615b4ba213777359d9f135dc0e" FOREIGN KEY ("org_id", "created_by_user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "tasks" ADD CONSTRAINT "FK_a08e7b2ad867780db9567045fc6" FOREIGN KEY ("org_id", "assignee_user_id") REFERENCES "memberships"("org_id","user_id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "tasks" ADD CONSTRAINT "FK_faf387005f3d2d2d14aaf7adca4" FOREIGN KEY ("org_id", "invoice_id") REFERENCES "invoices"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "tasks" ADD CONSTRAINT "FK_61585bf68cd0a88c744f1559d0b" FOREIGN KEY ("org_id", "customer_id") REFERENCES "customers"("org_id","id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    );
    // Hand-written: TypeORM cannot express operator classes (entities mark these synchronize: false).
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_number_trgm" ON "invoices" USING gin ("number" gin_trgm_ops)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_invoices_po_number_trgm" ON "invoices" USING gin ("po_number" gin_trgm_ops)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_customers_name_trgm" ON "customers" USING gin ("name" gin_trgm_ops)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_customers_name_trgm"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_po_number_trgm"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_number_trgm"');
    await queryRunner.query('ALTER TABLE "tasks" DROP CONSTRAINT "FK_61585bf68cd0a88c744f1559d0b"');
    await queryRunner.query('ALTER TABLE "tasks" DROP CONSTRAINT "FK_faf387005f3d2d2d14aaf7adca4"');
    await queryRunner.query('ALTER TABLE "tasks" DROP CONSTRAINT "FK_a08e7b2ad867780db9567045fc6"');
    await queryRunner.query('ALTER TABLE "tasks" DROP CONSTRAINT "FK_7615b4ba213777359d9f135dc0e"');
    await queryRunner.query('ALTER TABLE "tasks" DROP CONSTRAINT "FK_6a7a4f687b74075698d59c172b5"');
    await queryRunner.query('ALTER TABLE "promises_to_pay" DROP CONSTRAINT "FK_9565f8c6dc13635b5913b3c5511"');
    await queryRunner.query('ALTER TABLE "promises_to_pay" DROP CONSTRAINT "FK_fecfc57f579830ceb9f152db6de"');
    await queryRunner.query('ALTER TABLE "promises_to_pay" DROP CONSTRAINT "FK_b7b872967a15adbc7647fe1246d"');
    await queryRunner.query('ALTER TABLE "promises_to_pay" DROP CONSTRAINT "FK_43414d94f0867e14f30c15a8e0b"');
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" DROP CONSTRAINT "FK_a927fbcb721176c7f4b98ca38dc"',
    );
    await queryRunner.query(
      'ALTER TABLE "promise_invoices" DROP CONSTRAINT "FK_3da4e37c440b5dce20e678ec4fa"',
    );
    await queryRunner.query('ALTER TABLE "payments" DROP CONSTRAINT "FK_df64d7b1ebc888b1b4ab2f0a4df"');
    await queryRunner.query('ALTER TABLE "payments" DROP CONSTRAINT "FK_dc24a985c9c67d76554830da744"');
    await queryRunner.query(
      'ALTER TABLE "payment_applications" DROP CONSTRAINT "FK_6ff96213f56ddbd3426aabecda0"',
    );
    await queryRunner.query(
      'ALTER TABLE "payment_applications" DROP CONSTRAINT "FK_1189049bd392840f4cae370c163"',
    );
    await queryRunner.query(
      'ALTER TABLE "payment_applications" DROP CONSTRAINT "FK_935886309e116b2d15e8cc0e221"',
    );
    await queryRunner.query(
      'ALTER TABLE "payment_applications" DROP CONSTRAINT "FK_6c431d9dbe83f71e893209cfaf3"',
    );
    await queryRunner.query('ALTER TABLE "invoices" DROP CONSTRAINT "FK_8c3d472b1d609689cc3a51bbc0f"');
    await queryRunner.query('ALTER TABLE "invoices" DROP CONSTRAINT "FK_9806934a3cbed5977a73d215dad"');
    await queryRunner.query('ALTER TABLE "invoices" DROP CONSTRAINT "FK_824ca52f970e3ca5c8475ccee59"');
    await queryRunner.query('ALTER TABLE "invoice_lines" DROP CONSTRAINT "FK_db8d280220c145589ff14bc82f5"');
    await queryRunner.query('ALTER TABLE "invoice_lines" DROP CONSTRAINT "FK_932e69dc3ad16214fb873fdfd3a"');
    await queryRunner.query(
      'ALTER TABLE "idempotency_keys" DROP CONSTRAINT "FK_1eaac38e984e753ad348af8d3f9"',
    );
    await queryRunner.query('ALTER TABLE "disputes" DROP CONSTRAINT "FK_d53a12c1d82a3f750861eb8add1"');
    await queryRunner.query('ALTER TABLE "disputes" DROP CONSTRAINT "FK_912f9003648246d7420ebb6ecc8"');
    await queryRunner.query('ALTER TABLE "disputes" DROP CONSTRAINT "FK_8a61067ef274e1728f11a202007"');
    await queryRunner.query('ALTER TABLE "disputes" DROP CONSTRAINT "FK_037736673ac5790f7a567a362c6"');
    await queryRunner.query('ALTER TABLE "disputes" DROP CONSTRAINT "FK_2c1a7abff5f2afb0846584a6568"');
    await queryRunner.query('ALTER TABLE "subsidiaries" DROP CONSTRAINT "FK_debe19a34c622dafa76649d9a35"');
    await queryRunner.query('ALTER TABLE "customers" DROP CONSTRAINT "FK_2ae0ef7448294477e5498ee16a3"');
    await queryRunner.query('ALTER TABLE "customers" DROP CONSTRAINT "FK_e560a8ac5ac84bc68c44ea5e5e8"');
    await queryRunner.query('ALTER TABLE "customers" DROP CONSTRAINT "FK_80e0199c3b898001668b3c3575e"');
    await queryRunner.query('ALTER TABLE "customers" DROP CONSTRAINT "FK_e1ea572bed0889441c72e572a76"');
    await queryRunner.query('ALTER TABLE "contacts" DROP CONSTRAINT "FK_53bafc898e361489745ae45c032"');
    await queryRunner.query('ALTER TABLE "contacts" DROP CONSTRAINT "FK_1d08650bc5dee86e125aa413a13"');
    await queryRunner.query('ALTER TABLE "exchange_rates" DROP CONSTRAINT "FK_6a64d2e0aaac0a6a48192e5fc25"');
    await queryRunner.query('ALTER TABLE "credit_memos" DROP CONSTRAINT "FK_1d68e1b04d8fbab403ebdcb1756"');
    await queryRunner.query('ALTER TABLE "credit_memos" DROP CONSTRAINT "FK_803b6517c443dd53f443a0f2dc2"');
    await queryRunner.query(
      'ALTER TABLE "credit_applications" DROP CONSTRAINT "FK_c128e84e315a5f35dc90176525d"',
    );
    await queryRunner.query(
      'ALTER TABLE "credit_applications" DROP CONSTRAINT "FK_777f33b8662a1fe3ab81fbf025b"',
    );
    await queryRunner.query(
      'ALTER TABLE "credit_applications" DROP CONSTRAINT "FK_b4ec39c191ffa77549551b484f5"',
    );
    await queryRunner.query('ALTER TABLE "audit_log" DROP CONSTRAINT "FK_70430c5fa35687c06d2f626cf94"');
    await queryRunner.query('ALTER TABLE "activities" DROP CONSTRAINT "FK_8966b7f2a5bd6e2f4bdd10f1b72"');
    await queryRunner.query('ALTER TABLE "activities" DROP CONSTRAINT "FK_84e091d138ddb7fd0767c717044"');
    await queryRunner.query('ALTER TABLE "activities" DROP CONSTRAINT "FK_9cb6995c75aff73a9e32d7c283f"');
    await queryRunner.query('ALTER TABLE "activities" DROP CONSTRAINT "FK_fe2be05bdb185d5483a8fd22462"');
    await queryRunner.query('ALTER TABLE "memberships" DROP CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051"');
    await queryRunner.query('ALTER TABLE "memberships" DROP CONSTRAINT "FK_8c6a511c72951c42e008f5537dc"');
    await queryRunner.query('DROP INDEX "public"."IDX_tasks_assignee"');
    await queryRunner.query('DROP INDEX "public"."IDX_tasks_customer"');
    await queryRunner.query('DROP INDEX "public"."IDX_tasks_due"');
    await queryRunner.query('DROP TABLE "tasks"');
    await queryRunner.query('DROP TYPE "public"."task_status"');
    await queryRunner.query('DROP TYPE "public"."task_priority"');
    await queryRunner.query('DROP TYPE "public"."task_type"');
    await queryRunner.query('DROP INDEX "public"."IDX_promises_customer"');
    await queryRunner.query('DROP INDEX "public"."IDX_promises_promised"');
    await queryRunner.query('DROP TABLE "promises_to_pay"');
    await queryRunner.query('DROP TYPE "public"."promise_source"');
    await queryRunner.query('DROP TYPE "public"."promise_status"');
    await queryRunner.query('DROP INDEX "public"."IDX_promise_invoices_invoice"');
    await queryRunner.query('DROP TABLE "promise_invoices"');
    await queryRunner.query('DROP INDEX "public"."IDX_payments_customer_received"');
    await queryRunner.query('DROP INDEX "public"."IDX_payments_received"');
    await queryRunner.query('DROP INDEX "public"."IDX_payments_unapplied"');
    await queryRunner.query('DROP TABLE "payments"');
    await queryRunner.query('DROP TYPE "public"."payment_status"');
    await queryRunner.query('DROP TYPE "public"."payment_method"');
    await queryRunner.query('DROP INDEX "public"."IDX_payment_applications_payment"');
    await queryRunner.query('DROP INDEX "public"."IDX_payment_applications_invoice"');
    await queryRunner.query('DROP INDEX "public"."IDX_payment_applications_applied_on"');
    await queryRunner.query('DROP INDEX "public"."IDX_payment_applications_unapplied_on"');
    await queryRunner.query('DROP TABLE "payment_applications"');
    await queryRunner.query('DROP INDEX "public"."UQ_invoices_number"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_customer_due"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_due"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_issue"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_closed_on"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_total"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_balance"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_open_customer"');
    await queryRunner.query('DROP INDEX "public"."IDX_invoices_open_aging"');
    await queryRunner.query('DROP TABLE "invoices"');
    await queryRunner.query('DROP TYPE "public"."invoice_status"');
    await queryRunner.query('DROP INDEX "public"."UQ_invoice_lines_position"');
    await queryRunner.query('DROP TABLE "invoice_lines"');
    await queryRunner.query('DROP INDEX "public"."IDX_idempotency_keys_created"');
    await queryRunner.query('DROP TABLE "idempotency_keys"');
    await queryRunner.query('DROP INDEX "public"."IDX_disputes_invoice"');
    await queryRunner.query('DROP INDEX "public"."IDX_disputes_customer"');
    await queryRunner.query('DROP INDEX "public"."IDX_disputes_opened"');
    await queryRunner.query('DROP TABLE "disputes"');
    await queryRunner.query('DROP TYPE "public"."dispute_status"');
    await queryRunner.query('DROP TYPE "public"."dispute_reason"');
    await queryRunner.query('DROP INDEX "public"."UQ_subsidiaries_name"');
    await queryRunner.query('DROP TABLE "subsidiaries"');
    await queryRunner.query('DROP INDEX "public"."UQ_customers_external_id"');
    await queryRunner.query('DROP INDEX "public"."IDX_customers_name"');
    await queryRunner.query('DROP INDEX "public"."IDX_customers_collector"');
    await queryRunner.query('DROP INDEX "public"."IDX_customers_parent"');
    await queryRunner.query('DROP TABLE "customers"');
    await queryRunner.query('DROP TYPE "public"."customer_status"');
    await queryRunner.query('DROP TYPE "public"."customer_risk_level"');
    await queryRunner.query('DROP INDEX "public"."IDX_contacts_customer"');
    await queryRunner.query('DROP TABLE "contacts"');
    await queryRunner.query('DROP TABLE "exchange_rates"');
    await queryRunner.query('DROP INDEX "public"."UQ_credit_memos_number"');
    await queryRunner.query('DROP INDEX "public"."IDX_credit_memos_customer"');
    await queryRunner.query('DROP INDEX "public"."IDX_credit_memos_issued"');
    await queryRunner.query('DROP TABLE "credit_memos"');
    await queryRunner.query('DROP TYPE "public"."credit_memo_status"');
    await queryRunner.query('DROP INDEX "public"."IDX_credit_applications_credit_memo"');
    await queryRunner.query('DROP INDEX "public"."IDX_credit_applications_invoice"');
    await queryRunner.query('DROP INDEX "public"."IDX_credit_applications_applied_on"');
    await queryRunner.query('DROP TABLE "credit_applications"');
    await queryRunner.query('DROP INDEX "public"."IDX_audit_log_created"');
    await queryRunner.query('DROP INDEX "public"."IDX_audit_log_target"');
    await queryRunner.query('DROP TABLE "audit_log"');
    await queryRunner.query('DROP TYPE "public"."audit_actor_type"');
    await queryRunner.query('DROP INDEX "public"."IDX_activities_customer"');
    await queryRunner.query('DROP INDEX "public"."IDX_activities_invoice"');
    await queryRunner.query('DROP INDEX "public"."IDX_activities_occurred"');
    await queryRunner.query('DROP TABLE "activities"');
    await queryRunner.query('DROP TYPE "public"."activity_type"');
    await queryRunner.query('DROP INDEX "public"."IDX_memberships_user"');
    await queryRunner.query('DROP TABLE "memberships"');
    await queryRunner.query('DROP TYPE "public"."membership_role"');
    await queryRunner.query('DROP INDEX "public"."UQ_users_email"');
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('DROP TABLE "organizations"');
    await queryRunner.query('DROP EXTENSION IF EXISTS "pg_trgm"');
    await queryRunner.query('DROP EXTENSION IF EXISTS "uuid-ossp"');
  }
}
