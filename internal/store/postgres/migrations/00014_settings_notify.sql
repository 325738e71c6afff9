-- +goose Up
-- Every change to a merchant, or to one of its API keys, payment profiles, routing rules or webhook endpoints,
-- tells each Kassa instance at commit (NOTIFY with the merchant's id), so that an instance's cache of them drops
-- the merchant before its next request.
-- +goose StatementBegin
CREATE FUNCTION kassa_notify_settings() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	row_merchant TEXT;
BEGIN
	IF TG_TABLE_NAME = 'merchants' THEN
		row_merchant := OLD.id;
	ELSIF TG_OP = 'INSERT' THEN
		row_merchant := NEW.merchant_id;
	ELSE
		row_merchant := OLD.merchant_id;
	END IF;
	PERFORM pg_notify('kassa_settings', row_merchant);
	RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER merchants_notify AFTER UPDATE OR DELETE ON merchants
	FOR EACH ROW EXECUTE FUNCTION kassa_notify_settings();
CREATE TRIGGER api_keys_notify AFTER UPDATE OR DELETE ON api_keys
	FOR EACH ROW EXECUTE FUNCTION kassa_notify_settings();
CREATE TRIGGER payment_profiles_notify AFTER INSERT OR UPDATE OR DELETE ON payment_profiles
	FOR EACH ROW EXECUTE FUNCTION kassa_notify_settings();
CREATE TRIGGER routing_rules_notify AFTER INSERT OR UPDATE OR DELETE ON routing_rules
	FOR EACH ROW EXECUTE FUNCTION kassa_notify_settings();
CREATE TRIGGER webhook_endpoints_notify AFTER INSERT OR UPDATE OR DELETE ON webhook_endpoints
	FOR EACH ROW EXECUTE FUNCTION kassa_notify_settings();

-- +goose Down
DROP TRIGGER webhook_endpoints_notify ON webhook_endpoints;
DROP TRIGGER routing_rules_notify ON routing_rules;
DROP TRIGGER payment_profiles_notify ON payment_profiles;
DROP TRIGGER api_keys_notify ON api_keys;
DROP TRIGGER merchants_notify ON merchants;
DROP FUNCTION kassa_notify_settings();
