import type { Message } from '../consumer/message.js';
import { RETRY_PROPERTIES as P } from './policy.js';

/**
 * The properties of a message moved to the dead-letter topic: its own, plus REAL_TOPIC (where it
 * was consumed) and ORIGIN_MESSAGE_ID, unless it already carries them from a trip through the
 * retry topic (Java ConsumerImpl.getPropertiesMap puts them if absent).
 */
export function deadLetterProperties(msg: Message): Record<string, string> {
  const props = msg.getProperties();
  props[P.realTopic] ??= msg.getTopicName();
  props[P.originMessageId] ??= msg.getMessageId().toString();
  return props;
}

/**
 * The properties of a message sent to the retry topic by reconsumeLater (Go and Java clients):
 * RECONSUMETIMES counts the trips (1 on the first), REAL_TOPIC and ORIGIN_MESSAGE_ID are set on
 * the first trip and kept after, DELAY_TIME is the requested delay in ms and RETRY_TOPIC the topic
 * it goes to.
 */
export function retryProperties(
  msg: Message,
  delayMs: number,
  retryTopic: string,
): { properties: Record<string, string>; reconsumeTimes: number } {
  const props = msg.getProperties();
  const previous = Number.parseInt(props[P.reconsumeTimes] ?? '', 10);
  let reconsumeTimes = 1;
  if (Number.isInteger(previous) && previous >= 0) {
    reconsumeTimes = previous + 1;
  } else {
    props[P.realTopic] = msg.getTopicName();
    props[P.originMessageId] = msg.getMessageId().toString();
  }
  props[P.reconsumeTimes] = String(reconsumeTimes);
  props[P.delayTime] = String(Math.max(0, Math.floor(delayMs)));
  props[P.retryTopic] = retryTopic;
  return { properties: props, reconsumeTimes };
}
